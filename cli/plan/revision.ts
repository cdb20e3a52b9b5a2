import { execFile, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { RevisionPlan } from "./plan";

/** How evaluating one stack at one revision went. */
export type PlanOutcome =
  | { status: "ok"; plan: RevisionPlan }
  /** The revision has no stack file for it: the stack does not exist there (new or removed). */
  | { status: "absent" }
  | { status: "failed"; reason: string };

const PLAN_TIMEOUT_MS = 180_000;
const GIT_TIMEOUT_MS = 60_000;

/**
 * The useful part of a failed plan's stderr: the CLI's own message (a refused catalog or config
 * names what is wrong and the fix), or for a crash the error without its stack frames.
 */
export function failureSummary(stderr: string, maxLines = 20): string {
  const lines: string[] = [];
  let inDump = false;
  for (const raw of stderr.split("\n")) {
    const l = raw.trimEnd();
    // Node prints a crashed error's extra properties as `... {` ... `}` after the frames.
    if (inDump) {
      inDump = l !== "}";
      continue;
    }
    inDump = / \{$/.test(l);
    const text = inDump ? l.slice(0, -2) : l;
    if (text && !/^\s+at /.test(text) && !/^Require stack:|^- \//.test(text)) lines.push(text);
  }
  const kept = lines.slice(0, maxLines);
  if (lines.length > maxLines) kept.push(`... (${lines.length - maxLines} more lines)`);
  return kept.join("\n");
}

/**
 * Runs `node bin/pegasus-secrets.js plan --json --stack <stack>` in `projectDir`, in its own process:
 * the code that evaluates is the code of that folder, which for a base revision differs from ours.
 * A stack without its stack file is `absent`; a plan that fails (invalid catalog or config, a crash)
 * is `failed` with its error output, never a crash of the caller.
 */
export function runPlan(projectDir: string, stack: string): Promise<PlanOutcome> {
  if (!fs.existsSync(path.join(projectDir, `Pulumi.${stack}.yaml`))) {
    return Promise.resolve({ status: "absent" });
  }
  const bin = path.join(projectDir, "bin", "pegasus-secrets.js");
  if (!fs.existsSync(bin)) {
    return Promise.resolve({
      status: "failed",
      reason:
        "this revision has no bin/pegasus-secrets.js, so it has no offline plan to compare with.",
    });
  }
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, "plan", "--json", "--stack", stack], {
      cwd: projectDir,
      stdio: ["ignore", "pipe", "pipe"],
      // The plan reads its config from the stack files only: config or credentials from this
      // process's environment must not leak into it.
      env: Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !k.startsWith("PULUMI_")),
      ),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill("SIGKILL"), PLAN_TIMEOUT_MS);
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ status: "failed", reason: `could not start the plan: ${e.message}` });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString("utf8");
      if (code !== 0) {
        const why = signal
          ? `killed by ${signal} after ${PLAN_TIMEOUT_MS / 1000} s`
          : `exit ${code}`;
        resolve({
          status: "failed",
          reason: `plan --stack ${stack} failed (${why}):\n${failureSummary(stderr) || "(no output)"}`,
        });
        return;
      }
      try {
        resolve({
          status: "ok",
          plan: JSON.parse(Buffer.concat(out).toString("utf8")) as RevisionPlan,
        });
      } catch {
        resolve({ status: "failed", reason: `plan --stack ${stack} printed no JSON plan.` });
      }
    });
  });
}

/** Runs `tasks` with at most `limit` at once (default: the cores this process may use; each plan is a Node process). */
export async function limited<T>(
  tasks: (() => Promise<T>)[],
  limit = Math.max(1, os.availableParallelism()),
): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

const git = (cwd: string, args: string[]): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile(
      "git",
      args,
      { cwd, timeout: GIT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (e, stdout, stderr) => {
        if (e) reject(new Error(`git ${args.join(" ")}: ${(stderr || e.message).trim()}`));
        else resolve(stdout.trim());
      },
    );
  });

/** A revision's tree on disk, with the working tree's `node_modules` linked in. */
export interface Checkout {
  /** Full commit ID the ref named. */
  commit: string;
  /** The project folder inside the checkout (the repository may hold the project in a subfolder). */
  projectDir: string;
  /** Removes the checkout. Idempotent. */
  remove(): void;
}

/**
 * Writes the tree of `ref` to a temporary folder with `git archive` (the repository itself is only
 * read: no worktree, no index, no ref changes), and links `projectDir`'s `node_modules` into it so
 * that revision's own CLI runs. Call `remove()` when done; it is also safe after a failure.
 */
export async function checkoutRevision(projectDir: string, ref: string): Promise<Checkout> {
  let commit: string;
  try {
    commit = await git(projectDir, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  } catch {
    throw new Error(
      `The base revision "${ref}" is not in this repository. Fetch it first (in CI: actions/checkout with \`fetch-depth: 0\`, or \`git fetch origin ${ref.replace(/^origin\//, "")}\`).`,
    );
  }
  const prefix = await git(projectDir, ["rev-parse", "--show-prefix"]);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-base-"));
  const remove = () => fs.rmSync(root, { recursive: true, force: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const archive = spawn("git", ["archive", "--format=tar", commit], {
        cwd: projectDir,
        stdio: ["ignore", "pipe", "pipe"],
      });
      const tar = spawn("tar", ["-x", "-f", "-", "-C", root], {
        stdio: ["pipe", "ignore", "pipe"],
      });
      let stderr = "";
      archive.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      tar.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      archive.stdout.pipe(tar.stdin);
      const timer = setTimeout(() => {
        archive.kill("SIGKILL");
        tar.kill("SIGKILL");
      }, GIT_TIMEOUT_MS);
      let pending = 2;
      let failed = false;
      const done = (what: string) => (code: number | null) => {
        if (code !== 0 && !failed) {
          failed = true;
          clearTimeout(timer);
          reject(new Error(`${what} of ${ref} failed: ${stderr.trim() || `exit ${code}`}`));
        }
        if (--pending === 0 && !failed) {
          clearTimeout(timer);
          resolve();
        }
      };
      archive.on("close", done("git archive"));
      tar.on("close", done("tar -x"));
      archive.on("error", (e) => done("git archive")(e ? 1 : 0));
      tar.on("error", (e) => done("tar -x")(e ? 1 : 0));
    });
    const baseProject = path.join(root, prefix);
    const modules = path.join(projectDir, "node_modules");
    if (
      fs.existsSync(modules) &&
      fs.existsSync(baseProject) &&
      !fs.existsSync(path.join(baseProject, "node_modules"))
    ) {
      fs.symlinkSync(modules, path.join(baseProject, "node_modules"), "dir");
    }
    return { commit, projectDir: baseProject, remove };
  } catch (e) {
    remove();
    throw e;
  }
}
