/**
 * A Pulumi project as the CLI and the language host see it: the program's layout and runtime
 * options from Pulumi.yaml, and stack config in the environment variables Node.js reads.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { isPlainObject } from "./wire";

/** Where and how the program runs, from Pulumi.yaml. */
export interface ProgramLayout {
  name: string;
  /** `ProgramInfo.ProgramDirectory`: where the program runs (`--pwd`). */
  programDir: string;
  /** `ProgramInfo.EntryPoint`: "." or a file relative to programDir. */
  entryPoint: string;
  options: Record<string, unknown>;
}

/** Reads Pulumi.yaml the way the CLI does for a Node.js project (name, main, runtime options). */
export function readProject(projectDir: string): ProgramLayout {
  const file = ["Pulumi.yaml", "Pulumi.yml"]
    .map((f) => path.join(projectDir, f))
    .find((f) => fs.existsSync(f));
  if (!file) {
    throw new Error(`no Pulumi.yaml in ${projectDir}`);
  }
  const doc = YAML.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  const runtime = doc["runtime"];
  const options =
    isPlainObject(runtime) && isPlainObject(runtime["options"]) ? runtime["options"] : {};
  const main = typeof doc["main"] === "string" ? doc["main"] : "";
  let programDir = projectDir;
  let entryPoint = ".";
  if (main !== "") {
    // Like ProjectInfo.GetPwdMain: a directory `main` becomes the working directory.
    const abs = path.resolve(projectDir, main);
    if (fs.existsSync(abs) && fs.statSync(abs).isDirectory()) {
      programDir = abs;
    } else {
      entryPoint = main;
    }
  }
  return { name: String(doc["name"] ?? ""), programDir, entryPoint, options };
}

/**
 * Config as the language host hands it to Node.js: `PULUMI_CONFIG` is keyed `<ns>:config:<key>`
 * (the old format `constructConfig` still produces for older SDKs); secret keys stay `<ns>:<key>`.
 */
export function configEnv(
  project: string,
  config: Record<string, string>,
  secretKeys: string[],
): { PULUMI_CONFIG: string; PULUMI_CONFIG_SECRET_KEYS: string } {
  const qualify = (k: string): [string, string] => {
    const i = k.indexOf(":");
    return i < 0 ? [project, k] : [k.slice(0, i), k.slice(i + 1)];
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) {
    const [ns, name] = qualify(k);
    out[`${ns}:config:${name}`] = v;
  }
  return {
    PULUMI_CONFIG: JSON.stringify(out),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(secretKeys.map((k) => qualify(k).join(":"))),
  };
}
