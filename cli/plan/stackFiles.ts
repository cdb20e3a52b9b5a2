import * as fs from "fs";
import * as path from "path";
import { ConfigError, Issue, possibleExternalKeys, PROJECT, RawConfig } from "../../model";
import { stacksIn, unknownStack } from "../shared/stacks";
import { readYamlMap, sectionOf } from "./yamlFile";

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
  typeof v === "object" && v !== null && !Array.isArray(v) && "secure" in v;

/**
 * Where a `secure:` entry of a stack file is wrong: empty (no ciphertext), beside other keys, inside
 * a map, or on a key that is not a secret (only the external values are; README, "Config reference").
 * A real `pulumi up` would decrypt it and carry on with a secret nobody meant, or with nothing.
 */
function secureIssues(stack: string, key: string, value: unknown, external: Set<string>): Issue[] {
  const issues: Issue[] = [];
  const short = key.startsWith(`${PROJECT}:`) ? key.slice(PROJECT.length + 1) : key;
  const setPlain = `pulumi config set ${key} <value> --stack ${stack}   (without --secret)`;
  if (isSecure(value)) {
    const v = value as Record<string, unknown>;
    const ours = key.startsWith(`${PROJECT}:`) || key === "gcp:project";
    if (ours && !external.has(short)) {
      issues.push({
        key,
        problem: `is encrypted (\`secure:\`), but it is plain config, not a secret: only the external values are encrypted.`,
        fix: `pulumi config rm ${key} --stack ${stack}, then ${setPlain}.`,
      });
    } else if (Object.keys(v).length !== 1) {
      issues.push({
        key,
        problem: `has \`secure:\` beside other keys (${Object.keys(v)
          .filter((k) => k !== "secure")
          .join(", ")}); an encrypted value holds its ciphertext only.`,
        fix: `pulumi config set --secret ${short} --stack ${stack}   (re-enter the value)`,
      });
    } else if (typeof v.secure !== "string" || v.secure.trim() === "") {
      issues.push({
        key,
        problem: `is \`secure:\` with no ciphertext, so it has no value.`,
        fix: `pulumi config set --secret ${short} --stack ${stack}   (paste the value at the prompt)`,
      });
    }
    return issues;
  }
  // A map or list of plain settings never holds an encrypted leaf.
  const nested = (v: unknown, at: string): void => {
    if (isSecure(v)) {
      issues.push({
        key: `${key}${at}`,
        problem: `is encrypted (\`secure:\`) inside \`${short}\`, which is plain config: nothing in it is a secret.`,
        fix: `pulumi config set --path '${short}${at}' <value> --stack ${stack}   (without --secret)`,
      });
    } else if (Array.isArray(v)) v.forEach((x, i) => nested(x, `${at}[${i}]`));
    else if (typeof v === "object" && v !== null)
      for (const [k, x] of Object.entries(v)) nested(x, `${at}.${k}`);
  };
  if (key.startsWith(`${PROJECT}:`)) nested(value, "");
  return issues;
}

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
 * The external keys a stack file seals with its KMS key (`sealedValues.values`, written by `seal`):
 * the program decrypts them itself, so they need no config value and get no stand-in.
 */
export function sealedKeys(stackConfig: Record<string, unknown>, project = PROJECT): Set<string> {
  const sealed = (stackConfig[`${project}:sealedValues`] as { values?: unknown } | undefined)
    ?.values;
  return new Set(sealed && typeof sealed === "object" ? Object.keys(sealed) : []);
}

/**
 * Reads `Pulumi.yaml` defaults and `Pulumi.<stack>.yaml` into the CLI's config form. Encrypted values
 * become markers marked secret; unset external secrets become markers naming the command that sets
 * them, so the offline plan runs on any machine while `pulumi up` still refuses without the real value.
 */
export function readStackConfig(projectDir: string, stack: string): StackFileConfig {
  const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(stackFile)) throw unknownStack(stack, stacksIn(projectDir));
  const projectFile = path.join(projectDir, "Pulumi.yaml");
  const project = readYamlMap(projectFile);
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  const put = (k: string, v: unknown) => {
    const found = { any: false };
    const clean = scrubSecure(v, found);
    values[k] = typeof clean === "string" ? clean : JSON.stringify(clean);
    if (found.any) secretKeys.push(k);
  };
  for (const [k, decl] of Object.entries(sectionOf(projectFile, project, "config"))) {
    if (decl && typeof decl === "object" && "default" in decl) put(k, decl.default);
  }
  const stackConfig = sectionOf(stackFile, readYamlMap(stackFile), "config");
  const external = new Set(possibleExternalKeys());
  const issues = Object.entries(stackConfig).flatMap(([k, v]) =>
    secureIssues(stack, k.includes(":") ? k : `${PROJECT}:${k}`, v, external),
  );
  if (issues.length > 0)
    throw new ConfigError(`Invalid configuration for stack "${stack}"`, issues);
  for (const [k, v] of Object.entries(stackConfig)) put(k.includes(":") ? k : `${PROJECT}:${k}`, v);

  const externalStates: ExternalKeyState[] = [];
  const sealed = sealedKeys(stackConfig);
  for (const key of external) {
    const full = `${PROJECT}:${key}`;
    if (values[full] === undefined && sealed.has(key)) {
      externalStates.push({ key, state: "sealed" });
    } else if (values[full] === undefined) {
      values[full] = unsetMarker(key, stack);
      secretKeys.push(full);
      externalStates.push({ key, state: "unset" });
    } else {
      externalStates.push({ key, state: secretKeys.includes(full) ? "encrypted" : "plaintext" });
    }
  }
  return {
    stack,
    values,
    secretKeys,
    external: externalStates,
    raw: { get: (k) => values[k], isSecret: (k) => secretKeys.includes(k) },
  };
}
