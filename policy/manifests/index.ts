/**
 * Lint of the application's deploy manifests against the catalog and the secrets-management guide:
 * `render.yaml`, `railway.toml`, `railway.worker.toml`, `fly.toml` and `cloudbuild.yaml`, one linter
 * per format beside the policy rules (the same guide, read from a different kind of file).
 *
 * The guide, per file: no secret value in any manifest; Render references secrets by name only
 * (env groups, `sync: false`); Fly's `[env]` holds no secret (`fly secrets set`, which the stack
 * does); Railway variables live in Railway, not in TOML; Cloud Build takes secrets from Secret
 * Manager (`availableSecrets`), and only those the matrix grants to CI. Findings name the file, the
 * line, the variable and the fix, and never repeat a value.
 *
 * The policy pack (`policy/index.ts`) does not import this folder: the policy host type-checks the
 * pack at every start, and these linters pull in YAML and TOML parsers it does not need.
 */
import * as fs from "fs";
import * as path from "path";
import { CATALOG, CatalogEntry } from "../../catalog";
import { lintCloudBuild } from "./cloudbuild";
import { catalogView, Finding } from "./common";
import { lintFly } from "./fly";
import { lintRailway } from "./railway";
import { lintRender } from "./render";
import { scanLines } from "./scan";
import { parseToml } from "./toml";
import { parseYaml } from "./yaml";

export type { Finding } from "./common";
export { ciSecretSuffix } from "./cloudbuild";

/** The manifests this lint knows, in the order it reports them. */
export const MANIFEST_FILES = [
  "render.yaml",
  "railway.toml",
  "railway.worker.toml",
  "fly.toml",
  "cloudbuild.yaml",
] as const;

/** The result of linting a folder. */
export interface LintResult {
  dir: string;
  /** Manifests found and checked. */
  checked: string[];
  findings: Finding[];
}

/** Lints one manifest's text; `file` is its base name (which decides the rules). */
export function lintManifest(
  file: string,
  text: string,
  catalog: CatalogEntry[] = CATALOG,
): Finding[] {
  const cat = catalogView(catalog);
  const specific: Finding[] = [];
  if (file.endsWith(".toml")) {
    const t = parseToml(file, text);
    if ("rule" in t) specific.push(t);
    else if (file === "fly.toml") specific.push(...lintFly(t, cat));
    else specific.push(...lintRailway(t, cat));
  } else {
    const y = parseYaml(file, text);
    if ("rule" in y) specific.push(y);
    else if (file === "render.yaml") specific.push(...lintRender(y, cat));
    else specific.push(...lintCloudBuild(y, cat));
  }
  // The line scan catches what no structure rule does (a secret in a comment, a start command);
  // a line and variable already reported by a structure rule is not reported twice.
  const seen = new Set(specific.map((f) => `${f.line}|${f.variable}`));
  const generic = scanLines(file, text, cat).filter((f) => !seen.has(`${f.line}|${f.variable}`));
  return [...specific, ...generic].sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
}

/** Lints every known manifest in `dir`. Throws when the folder holds none of them. */
export function lintManifests(dir: string, catalog: CatalogEntry[] = CATALOG): LintResult {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(
      `${dir} is not a folder. Pass the folder that holds the application's deploy manifests.`,
    );
  }
  const checked = MANIFEST_FILES.filter((f) => fs.existsSync(path.join(dir, f)));
  if (checked.length === 0) {
    throw new Error(`No deploy manifest in ${dir}: looked for ${MANIFEST_FILES.join(", ")}.`);
  }
  const findings = checked.flatMap((f) =>
    lintManifest(f, fs.readFileSync(path.join(dir, f), "utf8"), catalog),
  );
  return { dir, checked, findings };
}

/** Human-readable report: one line per finding, `file:line: VARIABLE [rule] message Fix: fix`. */
export function lintText(r: LintResult): string {
  const head = `Checked ${r.checked.join(", ")} in ${r.dir}: ${r.findings.length === 0 ? "no findings." : `${r.findings.length} finding(s).`}`;
  return [
    head,
    ...r.findings.map(
      (f) => `${f.file}:${f.line}: ${f.variable} [${f.rule}] ${f.message} Fix: ${f.fix}`,
    ),
  ].join("\n");
}
