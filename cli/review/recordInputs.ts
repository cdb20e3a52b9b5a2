/**
 * What the recorder reads from the revision under review besides its program, all as data: the
 * stack's config from its files (encrypted and unset secret values replaced by tainted markers, so
 * the program runs offline and their use can be traced), the catalog's rows, the local env of
 * `.env.example`, and the revision's own model for the rotation status the PR comment shows.
 * Everything here reads that revision's files; nothing here decides whether they pass.
 */
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { isLoopbackUrl } from "../../model/credentialShape";
import { possibleExternalKeys } from "../../model/sources";
import { sealedKeys } from "../plan/stackFiles";
import { matrixRow } from "../../policy/matrix";
import type { CatalogRow, OfflineFacts } from "../../policy/rules";

/** The config the recorder passes to the program, in the CLI's form. */
export interface RecordingConfig {
  /** Pulumi project name, from `Pulumi.yaml`. */
  project: string;
  values: Record<string, string>;
  secretKeys: string[];
}

const isSecure = (v: unknown): boolean =>
  typeof v === "object" &&
  v !== null &&
  !Array.isArray(v) &&
  Object.keys(v).length === 1 &&
  "secure" in v;

function parse(file: string): Record<string, unknown> {
  try {
    return (YAML.parse(fs.readFileSync(file, "utf8")) ?? {}) as Record<string, unknown>;
  } catch (e) {
    throw new Error(
      `${path.basename(file)} is not valid YAML: ${(e as Error).message.split("\n")[0]}`,
    );
  }
}

/**
 * `Pulumi.yaml` defaults and `Pulumi.<stack>.yaml`, as the CLI would pass them. Every encrypted
 * (`secure:`) value, and every secret key the project declares (or this CLI's catalog knows) that
 * the stack file leaves unset and does not seal, becomes `<taint>config-<key>`, marked secret.
 */
export function recordingConfig(projectDir: string, stack: string, taint: string): RecordingConfig {
  const projectFile = parse(path.join(projectDir, "Pulumi.yaml"));
  const project = String(projectFile.name ?? "");
  if (!project) throw new Error(`${path.join(projectDir, "Pulumi.yaml")} names no project.`);
  const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(stackFile))
    throw new Error(`No stack file Pulumi.${stack}.yaml in ${projectDir}.`);
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  const put = (key: string, v: unknown) => {
    let secret = false;
    const scrub = (x: unknown): unknown => {
      if (isSecure(x)) {
        secret = true;
        return `${taint}config-${key}`;
      }
      if (Array.isArray(x)) return x.map(scrub);
      if (x && typeof x === "object") {
        return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, scrub(y)]));
      }
      return x;
    };
    const clean = scrub(v);
    values[key] = typeof clean === "string" ? clean : JSON.stringify(clean);
    if (secret) secretKeys.add(key);
  };
  const declared = (projectFile.config ?? {}) as Record<string, Record<string, unknown> | null>;
  for (const [k, decl] of Object.entries(declared)) {
    if (decl && typeof decl === "object" && "default" in decl) put(k, decl.default);
  }
  const config = (parse(stackFile).config ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(config)) put(k.includes(":") ? k : `${project}:${k}`, v);
  const secretDeclared = Object.entries(declared)
    .filter(([, d]) => d && typeof d === "object" && d.secret === true)
    .map(([k]) => k);
  const sealed = new Set([...sealedKeys(config, project)].map((k) => `${project}:${k}`));
  const external = possibleExternalKeys().map((k) => `${project}:${k}`);
  for (const k of [...secretDeclared, ...external].filter((k) => !sealed.has(k))) {
    if (values[k] === undefined) {
      values[k] = `${taint}config-${k}`;
      secretKeys.add(k);
    }
  }
  return { project, values, secretKeys: [...secretKeys] };
}

/** The config as the rules read it: secret values replaced by `[secret]`. */
export const visibleConfig = (c: RecordingConfig): Record<string, string> =>
  Object.fromEntries(
    Object.entries(c.values).map(([k, v]) => [k, c.secretKeys.includes(k) ? "[secret]" : v]),
  );

/** The catalog's rows, loaded from the revision's own `catalog/` (pure data). */
export function catalogRows(projectDir: string): OfflineFacts["catalog"] {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the revision's catalog, by path
    const mod = require(path.join(projectDir, "catalog")) as { CATALOG?: unknown };
    if (!Array.isArray(mod.CATALOG))
      return { problem: "catalog/index.ts exports no CATALOG array" };
    return mod.CATALOG.map((e: Record<string, unknown>): CatalogRow => {
      const local = e.local as { value?: unknown } | undefined;
      return {
        name: String(e.name),
        kind: String(e.kind),
        consumers: Array.isArray(e.consumers) ? e.consumers.map(String) : [],
        usage: (e.usage ?? undefined) as Record<string, string> | undefined,
        default: e.kind === "plain" && typeof e.default === "string" ? e.default : undefined,
        localValue:
          e.kind === "plain" && typeof local?.value === "string" ? local.value : undefined,
      };
    });
  } catch (e) {
    return { problem: (e as Error).message.split("\n")[0] };
  }
}

/**
 * The entries of the revision's `.env.example` (what local development gives the API and the
 * worker). A secret's value is kept only when blank or a loopback URL; otherwise it is recorded
 * as `[value]`, so the recorded plan never holds it.
 */
export function localEnv(projectDir: string): OfflineFacts["localEnv"] {
  const file = path.join(projectDir, ".env.example");
  if (!fs.existsSync(file)) return [];
  const out: OfflineFacts["localEnv"] = [];
  fs.readFileSync(file, "utf8")
    .split("\n")
    .forEach((line, i) => {
      const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
      if (!m) return;
      const raw = m[2].replace(/^(["'])(.*)\1$/, "$2");
      const secret = matrixRow(m[1])?.kind === "secret";
      const value = secret && raw !== "" && !isLoopbackUrl(raw) ? "[value]" : raw;
      out.push({ file: ".env.example", line: i + 1, variable: m[1], value });
    });
  return out;
}

/** One secret of the revision's own model, for the rotation status (never a value). */
export interface ModelSecret {
  variable: string;
  scope: string;
  secretId: string;
  keeper: string;
  previousKeeper?: string;
  rotationDays: number;
  rotatesWith?: string;
}

/** The revision's own model of the stack, or why it could not be built. */
export function revisionModel(
  projectDir: string,
  stack: string,
  config: RecordingConfig,
): { secrets: ModelSecret[] } | { problem: string } {
  try {
    const load = (folder: string): unknown =>
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the revision's own code, by path
      require(path.join(projectDir, folder));
    const model = load("model") as {
      buildModel(catalog: unknown, stack: string, raw: unknown): { secrets: ModelSecret[] };
    };
    const { CATALOG } = load("catalog") as { CATALOG: unknown };
    const m = model.buildModel(CATALOG, stack, {
      get: (k: string) => config.values[k],
      isSecret: (k: string) => config.secretKeys.includes(k),
      keys: () => Object.keys(config.values),
    });
    return {
      secrets: m.secrets.map((s) => ({
        variable: s.variable,
        scope: s.scope,
        secretId: s.secretId,
        keeper: s.keeper,
        previousKeeper: s.previousKeeper,
        rotationDays: s.rotationDays,
        rotatesWith: s.rotatesWith,
      })),
    };
  } catch (e) {
    return { problem: (e as Error).message.split("\n")[0] };
  }
}
