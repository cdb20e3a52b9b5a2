import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { possibleExternalKeys, PROJECT, RawConfig } from "../../model";

/** Marker the offline plan shows for an encrypted (`secure:`) value it cannot decrypt without the CLI. */
export const ENCRYPTED_MARKER = "[encrypted: set with pulumi config set --secret]";
/** Marker for an external secret that is not set at all; the plan lists the command that sets it. */
export const unsetMarker = (key: string, stack: string) =>
  `[unset: pulumi config set --secret ${key} --stack ${stack}]`;

/** How the offline plan sees one external secret key. */
export interface ExternalKeyState {
  key: string;
  /** `sealed`: a Cloud KMS ciphertext in `sealedValues` (`pegasus-secrets seal`). */
  state: "encrypted" | "unset" | "plaintext" | "sealed";
}

/** A stack's config read from its files, in the form the Pulumi CLI passes to a program. */
export interface StackFileConfig {
  stack: string;
  /** `namespace:key` -> string; objects as JSON, like the CLI's PULUMI_CONFIG. */
  values: Record<string, string>;
  secretKeys: string[];
  /** Every external key this catalog could use, with what the stack file holds for it. */
  external: ExternalKeyState[];
  raw: RawConfig;
}

const isSecure = (v: unknown): boolean =>
  typeof v === "object" &&
  v !== null &&
  !Array.isArray(v) &&
  Object.keys(v).length === 1 &&
  "secure" in v;

/** Replaces nested `{secure: ...}` leaves with the marker, reporting whether any was found. */
const scrubSecure = (v: unknown, found: { any: boolean }): unknown => {
  if (isSecure(v)) {
    found.any = true;
    return ENCRYPTED_MARKER;
  }
  if (Array.isArray(v)) return v.map((x) => scrubSecure(x, found));
  if (typeof v === "object" && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrubSecure(x, found)]));
  }
  return v;
};

/**
 * Reads `Pulumi.yaml` defaults and `Pulumi.<stack>.yaml` into the CLI's config form. Encrypted values
 * become markers marked secret; unset external secrets become markers naming the command that sets
 * them, so the offline plan runs on any machine while `pulumi up` still refuses without the real value.
 */
export function readStackConfig(projectDir: string, stack: string): StackFileConfig {
  const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(stackFile)) {
    const known = fs
      .readdirSync(projectDir)
      .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
      .filter(Boolean);
    throw new Error(
      `No stack file ${path.basename(stackFile)} in ${projectDir}. Known stacks: ${known.join(", ") || "none"}.`,
    );
  }
  const parse = (file: string) => {
    try {
      return YAML.parse(fs.readFileSync(file, "utf8")) ?? {};
    } catch (err) {
      throw new Error(
        `${path.basename(file)} is not valid YAML: ${(err as Error).message.split("\n")[0]}`,
      );
    }
  };
  const project = parse(path.join(projectDir, "Pulumi.yaml"));
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  const put = (k: string, v: unknown) => {
    const found = { any: false };
    const clean = scrubSecure(v, found);
    values[k] = typeof clean === "string" ? clean : JSON.stringify(clean);
    if (found.any) secretKeys.push(k);
  };
  for (const [k, decl] of Object.entries<Record<string, unknown>>(project.config ?? {})) {
    if (decl && typeof decl === "object" && "default" in decl) put(k, decl.default);
  }
  const stackConfig = parse(stackFile).config ?? {};
  for (const [k, v] of Object.entries(stackConfig)) put(k.includes(":") ? k : `${PROJECT}:${k}`, v);

  const external: ExternalKeyState[] = [];
  const sealed = (stackConfig[`${PROJECT}:sealedValues`] as { values?: object } | undefined)
    ?.values;
  for (const key of possibleExternalKeys()) {
    const full = `${PROJECT}:${key}`;
    if (values[full] === undefined && sealed && key in sealed) {
      external.push({ key, state: "sealed" });
    } else if (values[full] === undefined) {
      values[full] = unsetMarker(key, stack);
      secretKeys.push(full);
      external.push({ key, state: "unset" });
    } else {
      external.push({ key, state: secretKeys.includes(full) ? "encrypted" : "plaintext" });
    }
  }
  return {
    stack,
    values,
    secretKeys,
    external,
    raw: { get: (k) => values[k], isSecret: (k) => secretKeys.includes(k) },
  };
}
