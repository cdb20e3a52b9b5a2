/**
 * Lint of a repository's deploy manifests and every other file a secret could be committed in,
 * against the ownership matrix (policy/matrix.ts) and the secrets-management guide. One linter per
 * format, beside the policy rules (the same guide, read from a different kind of file):
 *   render.yaml, railway*.toml, fly*.toml, cloudbuild*.yaml      the platforms' manifests
 *   Dockerfile, Dockerfile.*, *.Dockerfile, Containerfile        ./dockerfile.ts
 *   docker-compose*.yml, compose*.yaml                           ./compose.ts
 *   app.json, app.config.*, eas.json                             ./mobile.ts (Expo / React Native)
 *   .env, .env.*, *.env, env/*                                    ./envfile.ts
 *   .github/workflows/*.yml                                      ./workflow.ts
 *   Pulumi.<stack>.yaml                                          ./stackfile.ts
 * and every text file gets the line scan (./scan.ts). Findings name the file, the line, the
 * variable, the rule, the fix and the guide line, and never repeat a value.
 *
 * The policy pack (`policy/index.ts`) does not import this folder: the policy host type-checks the
 * pack at every start, and these linters pull in parsers it does not need.
 */
import * as fs from "fs";
import * as path from "path";
import { lintCloudBuild } from "./cloudbuild";
import { catalogView, CatalogView, Finding, GUIDE, RULE_GUIDES } from "./common";
import { lintCompose } from "./compose";
import { lintDockerfile } from "./dockerfile";
import { lintEnvFile } from "./envfile";
import { lintFly } from "./fly";
import { lintMobileJson, lintMobileScript } from "./mobile";
import { lintRailway } from "./railway";
import { lintRender } from "./render";
import { AssignmentMode, scanLines } from "./scan";
import { lintStackFile } from "./stackfile";
import { parseToml } from "./toml";
import { lintWorkflow } from "./workflow";
import { parseYaml, YamlFile } from "./yaml";

export type { Finding } from "./common";
export { ciSecretSuffix } from "./cloudbuild";

/** The kinds of file the lint knows by name; any other text file gets the line scan only. */
export type FileKind =
  | "render"
  | "railway"
  | "fly"
  | "cloudbuild"
  | "dockerfile"
  | "compose"
  | "mobile-json"
  | "mobile-script"
  | "env"
  | "workflow"
  | "stack-file";

/** The kind of a file, by its path relative to the folder linted (`/` separated). */
export function kindOf(rel: string): FileKind | undefined {
  const base = path.posix.basename(rel);
  const dir = path.posix.dirname(rel);
  if (/^render\.ya?ml$/.test(base)) return "render";
  if (/^railway(\.[\w-]+)?\.toml$/.test(base)) return "railway";
  if (/^fly(\.[\w-]+)?\.toml$/.test(base)) return "fly";
  if (/^cloudbuild([.-][\w-]+)?\.ya?ml$/.test(base)) return "cloudbuild";
  if (/^(Dockerfile|Containerfile)(\.[\w-]+)?$|\.[Dd]ockerfile$/.test(base)) return "dockerfile";
  if (/^(docker-)?compose([.-][\w-]+)?\.ya?ml$/.test(base)) return "compose";
  if (/^(app\.json|app\.config\.json|eas\.json)$/.test(base)) return "mobile-json";
  if (/^app\.config\.(js|ts|mjs|cjs)$/.test(base)) return "mobile-script";
  if (
    /^\.github\/workflows\/[^/]+\.ya?ml$/.test(rel) ||
    /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(rel)
  )
    return "workflow";
  if (/^Pulumi\.[\w-]+\.ya?ml$/.test(base)) return "stack-file";
  if (/^\.env(\..+)?$/.test(base) || /\.env$/.test(base) || /(^|\/)env$/.test(dir)) return "env";
  return undefined;
}

/** The result of linting a folder. */
export interface LintResult {
  dir: string;
  /** Files of a known kind that were checked, relative to `dir`. */
  checked: string[];
  /** How many text files the line scan read. */
  scanned: number;
  findings: Finding[];
}

const parsed = (file: string, text: string, lint: (y: YamlFile) => Finding[]): Finding[] => {
  const y = parseYaml(file, text);
  return "rule" in y ? [y] : lint(y);
};

/** Lints one file's text; `file` is its path relative to the folder linted (its name decides the rules). */
export function lintManifest(
  file: string,
  text: string,
  cat: CatalogView = catalogView(),
): Finding[] {
  const kind = kindOf(file);
  const specific: Finding[] = [];
  let assignments: AssignmentMode | undefined;
  switch (kind) {
    case "render":
      specific.push(...parsed(file, text, (y) => lintRender(y, cat)));
      break;
    case "cloudbuild":
      specific.push(...parsed(file, text, (y) => lintCloudBuild(y, cat)));
      break;
    case "compose":
      specific.push(...parsed(file, text, (y) => lintCompose(y, cat)));
      break;
    case "mobile-json":
      specific.push(...parsed(file, text, (y) => lintMobileJson(y, cat)));
      break;
    case "workflow":
      specific.push(...parsed(file, text, (y) => lintWorkflow(y, cat)));
      break;
    case "stack-file":
      // Keeper maps name variables (`JWT_SECRET: initial`): structure, not the assignment scan.
      specific.push(...parsed(file, text, (y) => lintStackFile(y, cat)));
      assignments = "none";
      break;
    case "railway":
    case "fly": {
      const t = parseToml(path.posix.basename(file), text);
      if ("rule" in t) specific.push({ ...t, file });
      else
        specific.push(
          ...(kind === "fly" ? lintFly({ ...t, file }, cat) : lintRailway({ ...t, file }, cat)),
        );
      break;
    }
    case "dockerfile":
      specific.push(...lintDockerfile(file, text, cat));
      break;
    case "mobile-script":
      specific.push(...lintMobileScript(file, text, cat));
      break;
    case "env":
      specific.push(...lintEnvFile(file, text, cat));
      assignments = "none";
      break;
  }
  // The line scan catches what no structure rule does (a secret in a comment, a start command); a
  // line and variable a structure rule already reported is not reported twice.
  const seen = new Set(specific.map((f) => `${f.line}|${f.variable}`));
  const generic = scanLines(file, text, cat, assignments).filter(
    (f) => !seen.has(`${f.line}|${f.variable}`),
  );
  return [...specific, ...generic]
    .map((f) => ({ ...f, guide: f.guide ?? RULE_GUIDES[f.rule] ?? GUIDE.never }))
    .sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
}

/** Files larger than this are not read; each is a finding, so nothing is skipped silently. */
const MAX_BYTES = 8 * 1024 * 1024;

/** Every file under `dir` (no `.git`, no `node_modules`, no path under `exclude`), relative and sorted. */
function walk(dir: string, exclude: string[]): string[] {
  const out: string[] = [];
  const visit = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.name === ".git" || e.name === "node_modules") continue;
      if (exclude.some((x) => r === x || r.startsWith(`${x}/`))) continue;
      if (e.isDirectory()) visit(r);
      else if (e.isFile()) out.push(r);
    }
  };
  visit("");
  return out.sort();
}

/**
 * Lints every file of the folder `dir` (a repository), wherever it is: the kinds above by their
 * names, every other text file with the line scan. `exclude` lists paths (relative to `dir`) to
 * leave out, such as examples of what the lint refuses. Throws when the folder holds no file of a
 * known kind: a wrong path would otherwise pass.
 */
export function lintManifests(dir: string, opts: { exclude?: string[] } = {}): LintResult {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(`${dir} is not a folder. Pass the repository (or folder) to lint.`);
  }
  const exclude = (opts.exclude ?? []).map((x) => x.replace(/^\.\//, "").replace(/\/+$/, ""));
  const cat = catalogView();
  const findings: Finding[] = [];
  const checked: string[] = [];
  let scanned = 0;
  for (const rel of walk(dir, exclude)) {
    const abs = path.join(dir, rel);
    if (fs.statSync(abs).size > MAX_BYTES) {
      findings.push({
        file: rel,
        line: 1,
        variable: "(file)",
        rule: "unreadable-file",
        message: `is larger than ${MAX_BYTES / 1024 / 1024} MiB, so it was not read.`,
        fix: "keep large files out of the repository, or exclude the path on purpose (--exclude).",
        guide: GUIDE.never,
      });
      continue;
    }
    const buf = fs.readFileSync(abs);
    if (buf.subarray(0, 8192).includes(0)) continue; // binary
    scanned++;
    if (kindOf(rel)) checked.push(rel);
    findings.push(...lintManifest(rel, buf.toString("utf8"), cat));
  }
  if (checked.length === 0) {
    throw new Error(
      `No deploy manifest, Dockerfile, compose file, mobile app config, env file or workflow in ${dir}: is it the repository? The lint looks for render.yaml, railway*.toml, fly*.toml, cloudbuild*.yaml, Dockerfile*, docker-compose*.yml, app.json, app.config.*, eas.json, .env*, *.env, env/* and .github/workflows/*.yml anywhere in it.`,
    );
  }
  return { dir, checked, scanned, findings };
}

/** Human-readable report: one line per finding, `file:line: VARIABLE [rule] message Fix: fix (guide)`. */
export function lintText(r: LintResult): string {
  const head = `Checked ${r.checked.length} manifest(s) and scanned ${r.scanned} file(s) in ${r.dir}: ${r.findings.length === 0 ? "no findings." : `${r.findings.length} finding(s).`}`;
  return [
    head,
    ...r.findings.map(
      (f) =>
        `${f.file}:${f.line}: ${f.variable} [${f.rule}] ${f.message} Fix: ${f.fix} (guide: "${f.guide}")`,
    ),
  ].join("\n");
}
