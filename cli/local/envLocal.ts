import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CATALOG, CatalogEntry } from "../../catalog";
import { buildModel } from "../../model";
import { readStackConfig } from "../plan";
import { writeFileAtomic } from "../../lib/atomicWrite";
import { CliContext, output } from "../shared/context";
import { commandLine } from "../shared/usage";
import { parseDotenv } from "./dotenv";
import { LocalEnvReport, LocalScope, parseLocalScope, renderLocalEnv } from "./envFiles";
import { resolveTarget, shown } from "./target";

const LOCAL_MODE = 0o600;

/** Options of `writeLocalEnv` (the `env:local` command without its argument parsing). */
export interface WriteLocalEnvOptions {
  projectDir: string;
  /** File or directory to write; relative to the working directory. Default: `.env` in `projectDir`. */
  out?: string;
  /** `--stack`: `local` (default) or `staging`; production is refused. */
  stack?: string;
  /** Replace settings and local service URLs that differ from the scope's (generated secrets stay). */
  force?: boolean;
  /** Give every generated secret a fresh value (after a leak). */
  regenerate?: boolean;
  catalog?: CatalogEntry[];
  /** Today's date for the header; injectable for tests. */
  date?: string;
}

/** What `writeLocalEnv` did, for the report. Names and paths only: never a value. */
export interface WriteLocalEnvResult {
  file: string;
  scope: LocalScope;
  created: boolean;
  written: boolean;
  /** The file's previous mode when it was not 0600 (now fixed). */
  modeWas?: number;
  report: LocalEnvReport;
}

/**
 * `env:local`: writes the local `.env` from the catalog. Checks everything first (scope, target,
 * git ignore status, the existing file's syntax), then writes atomically with mode 0600, so a refusal
 * or a crash never leaves a half-written or world-readable file.
 */
export function writeLocalEnv(opts: WriteLocalEnvOptions): WriteLocalEnvResult {
  const scope = parseLocalScope(opts.stack ?? "local");
  const catalog = opts.catalog ?? CATALOG;
  const file = resolveTarget(opts.out, opts.projectDir, ".env");
  refuseUnlessGitIgnored(file);

  const stat = fs.existsSync(file) ? fs.statSync(file) : undefined;
  const before = stat ? fs.readFileSync(file, "utf8") : undefined;
  const existing = before !== undefined ? parseDotenv(before, file) : undefined;
  const { text, report } = renderLocalEnv({
    catalog,
    scope,
    existing,
    force: opts.force,
    regenerate: opts.regenerate,
    plain: scope === "staging" ? stagingPlain(opts.projectDir, catalog) : undefined,
    date: opts.date ?? new Date().toISOString().slice(0, 10),
  });

  const mode = stat ? stat.mode & 0o777 : undefined;
  const modeWas = mode !== undefined && mode !== LOCAL_MODE ? mode : undefined;
  const written = text !== before;
  if (written) writeFileAtomic(file, text, { mode: LOCAL_MODE });
  else if (modeWas !== undefined) fs.chmodSync(file, LOCAL_MODE);
  return { file, scope, created: stat === undefined, written, modeWas, report };
}

/** `env:local`: writes the local `.env` and prints what it did, by name. */
export async function envLocal(
  ctx: CliContext,
  opts: { out?: string; force?: boolean; regenerate?: boolean; stack: string },
): Promise<void> {
  const result = writeLocalEnv({
    projectDir: ctx.projectDir,
    out: opts.out,
    force: opts.force,
    regenerate: opts.regenerate,
    stack: opts.stack,
  });
  const again = [
    "env:local",
    ...(opts.out !== undefined ? ["--out", opts.out] : []),
    ...(result.scope !== "local" ? ["--stack", result.scope] : []),
    "--force",
  ];
  output(ctx)(formatLocalReport(result, commandLine(again)));
}

/**
 * The report `env:local` prints: file, mode, and names per outcome. Never a value. `forceCommand`
 * is the command that replaces the settings that differ from the scope's.
 */
export function formatLocalReport(
  r: WriteLocalEnvResult,
  forceCommand = "npx pegasus-secrets env:local --force",
): string {
  const name = shown(r.file);
  const modeNote = r.modeWas !== undefined ? `, was 0${r.modeWas.toString(8)}` : "";
  const differ = r.report.differ;
  const lines = [
    r.written
      ? `${r.created ? "Created" : "Updated"} ${name} (mode 0600${modeNote}; scope ${r.scope}).`
      : differ.length > 0
        ? `${name} is unchanged (mode 0600${modeNote}; scope ${r.scope}), but ${differ.length} setting(s) in it differ from scope ${r.scope}.`
        : `${name} is up to date (mode 0600${modeNote}; scope ${r.scope}).`,
  ];
  const list = (label: string, names: string[]) => {
    if (names.length > 0) lines.push(`  ${label}: ${names.join(", ")}`);
  };
  list("added", r.report.added);
  list("kept", r.report.kept);
  list("filled (were empty)", r.report.filled);
  list(`differ from scope ${r.scope}, kept`, differ);
  list("replaced (--force)", r.report.replaced);
  list("regenerated (--regenerate)", r.report.regenerated);
  list("not in the catalog, left as they are", r.report.extra);
  if (differ.length > 0) {
    lines.push(
      `To take scope ${r.scope}'s values for them: ${forceCommand} (generated secrets and values you typed in stay).`,
    );
  }
  if (r.report.blank.length > 0) {
    lines.push(
      `Fill in by hand (see the comment above each in the file; developer-scoped values only): ${r.report.blank.join(", ")}`,
    );
  }
  lines.push(
    "Never commit this file. If a value in it is exposed, rotate it before your next push.",
  );
  return lines.join("\n");
}

const firstLine = (s: string | undefined) => (s ?? "").trim().split("\n")[0];

function git(dir: string, args: string[]) {
  return spawnSync("git", ["-C", dir, ...args], { encoding: "utf8", timeout: 10_000 });
}

/**
 * The guide's first local rule: a `.env` is gitignored. Inside a git work tree the file must be
 * ignored (and so not tracked) before anything is written; outside one there is nothing to commit it to.
 */
function refuseUnlessGitIgnored(file: string): void {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const r = git(dir, ["check-ignore", "-q", "--", base]);
  if (r.error) {
    if ((r.error as NodeJS.ErrnoException).code === "ENOENT" && !insideGitDir(dir)) return;
    throw new Error(
      `Cannot check whether ${file} is ignored by git (${r.error.message}). Fix: install git, or pass --out outside the repository. Nothing was written.`,
    );
  }
  if (r.status === 0) return;
  if (r.status === 128 && /not a git repository/i.test(r.stderr)) return;
  if (r.status !== 1) {
    throw new Error(
      `Cannot check whether ${file} is ignored by git (git check-ignore: ${firstLine(r.stderr) || `exit ${r.status}`}). Nothing was written.`,
    );
  }
  const root = firstLine(git(dir, ["rev-parse", "--show-toplevel"]).stdout) || dir;
  const rel = path.relative(root, file);
  if (git(dir, ["ls-files", "--error-unmatch", "--", base]).status === 0) {
    throw new Error(
      `Refusing to write ${file}: git tracks it in ${root}, so its values would be committed. Fix: git rm --cached ${rel}, add ${rel} to .gitignore, and rotate every value it has held (they may be in the history). Nothing was written.`,
    );
  }
  throw new Error(
    `Refusing to write ${file}: it is inside the git repository ${root} and git does not ignore it, so its values could be committed (secrets-management guide: local .env files are gitignored). Fix: add ${rel} to ${path.join(root, ".gitignore")}, or pass --out outside the repository. Nothing was written.`,
  );
}

/** Whether a `.git` entry exists in `dir` or above: a repository git itself could not be asked about. */
function insideGitDir(dir: string): boolean {
  for (let d = dir, i = 0; i < 256; i++) {
    if (fs.existsSync(path.join(d, ".git"))) return true;
    const up = path.dirname(d);
    if (up === d) return false;
    d = up;
  }
  return false;
}

/**
 * Plain settings of the staging stack for `--stack staging`, validated by the same model the plan
 * uses. Paths stay local: a server directory of staging does not exist on a developer's machine.
 */
function stagingPlain(projectDir: string, catalog: CatalogEntry[]): Record<string, string> {
  const model = buildModel(catalog, "staging", readStackConfig(projectDir, "staging").raw);
  const kinds = new Map(catalog.map((e) => [e.name, e.kind === "plain" ? e.plainKind : e.kind]));
  return Object.fromEntries(
    model.plain.filter((p) => kinds.get(p.variable) !== "path").map((p) => [p.variable, p.value]),
  );
}
