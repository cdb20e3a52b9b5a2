/**
 * The recorder's processes, seen from the CLI: `runRecorders` starts this CLI's recorder
 * (./recordMain.ts, ./record.ts) in child processes, side by side within the machine's cores, and
 * reads back one recorded plan per project and stack. The verdict is never computed there: the programs it runs cannot reach the rules, the
 * report or the exit code, which stay in this process.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { failureSummary, limited } from "../plan";
import type { RecordedPlan, RecordOutcome } from "./record";

const RECORD_TIMEOUT_MS = 180_000;
/** This CLI's own folder: the code that records and judges. */
const JUDGE_DIR = path.resolve(__dirname, "..", "..");

/** One revision to record: its project folder and the stacks to record. */
export interface RecordJob {
  projectDir: string;
  stacks: string[];
}

/** One stack of one revision: what a recorder process is given to record. */
interface Unit {
  projectDir: string;
  stack: string;
}

/**
 * The units in order, cut into at most `count` runs of consecutive units, one per process. Given
 * the base's units first, a process records base stacks before head stacks, and with two or more
 * processes the base and the head of a two-revision diff never share one.
 */
export function shares<T>(units: readonly T[], count: number): T[][] {
  const n = Math.max(1, Math.min(count, units.length));
  return Array.from({ length: n }, (_, i) =>
    units.slice(Math.floor((i * units.length) / n), Math.floor(((i + 1) * units.length) / n)),
  ).filter((s) => s.length > 0);
}

/**
 * Records the stacks of one or more revisions with this CLI's recorder, in child processes run
 * side by side, as many at a time as the machine has cores (`os.availableParallelism`). Each
 * process records a run of consecutive stacks ({@link shares}), one after the other: loading the
 * SDK and the providers once is most of a recording's cost. The result is keyed by project folder,
 * then stack, whatever order the processes finish in. A stack without its stack file is `absent`;
 * one whose program fails is `failed` with its error, never a crash of the caller. A process's
 * output is read only for the stacks it was given, and the first line it prints for one is the one
 * kept: a program recorded later cannot replace an earlier revision's record.
 */
export async function runRecorders(
  jobs: RecordJob[],
  parallel = os.availableParallelism(),
): Promise<Record<string, Record<string, RecordOutcome>>> {
  const out: Record<string, Record<string, RecordOutcome>> = {};
  const todo: Unit[] = [];
  for (const { projectDir, stacks } of jobs) {
    const mine: Record<string, RecordOutcome> = (out[projectDir] ??= {});
    const present = stacks.filter((s) => fs.existsSync(path.join(projectDir, `Pulumi.${s}.yaml`)));
    for (const s of stacks) if (!present.includes(s)) mine[s] = { status: "absent" };
    if (present.length === 0) continue;
    if (!fs.existsSync(path.join(projectDir, "index.ts"))) {
      for (const s of present)
        mine[s] = { status: "failed", reason: `${projectDir} has no index.ts program.` };
      continue;
    }
    todo.push(...present.map((stack) => ({ projectDir, stack })));
  }
  const groups = shares(todo, parallel);
  await limited(
    groups.map((units) => () => recordIn(units, out)),
    groups.length,
  );
  return out;
}

/** Records `units` in one recorder process, one after the other, into `out`. */
function recordIn(
  units: Unit[],
  out: Record<string, Record<string, RecordOutcome>>,
): Promise<void> {
  const jobs: RecordJob[] = [];
  for (const u of units) {
    const last = jobs[jobs.length - 1];
    if (last?.projectDir === u.projectDir) last.stacks.push(u.stack);
    else jobs.push({ projectDir: u.projectDir, stacks: [u.stack] });
  }
  const timeout = RECORD_TIMEOUT_MS * units.length;
  const given = (project?: string, stack?: string) =>
    units.some((u) => u.projectDir === project && u.stack === stack);
  const failAll = (reason: string) => {
    for (const u of units) out[u.projectDir][u.stack] ??= { status: "failed", reason };
  };
  return new Promise<void>((resolve) => {
    const child = spawn(
      process.execPath,
      [
        "-r",
        path.join(JUDGE_DIR, "bin", "register.js"),
        path.join(JUDGE_DIR, "cli", "review", "recordMain.ts"),
        JSON.stringify(jobs),
      ],
      {
        cwd: jobs[0].projectDir,
        stdio: ["ignore", "pipe", "pipe"],
        // Config and credentials of this process never reach the recorded programs.
        env: Object.fromEntries(
          Object.entries(process.env).filter(([k]) => !k.startsWith("PULUMI_")),
        ),
      },
    );
    const chunks: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => chunks.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeout);
    child.on("error", (e) => {
      clearTimeout(timer);
      failAll(`could not start the recorder: ${e.message}`);
      resolve();
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      // One JSON line per stack: `{project, stack, plan}` or `{project, stack, error}`.
      for (const line of Buffer.concat(chunks).toString("utf8").split("\n")) {
        let r: { project?: string; stack?: string; plan?: RecordedPlan; error?: string };
        try {
          r = JSON.parse(line);
        } catch {
          continue; // not the recorder's line: a program printed it
        }
        if (!r || !given(r.project, r.stack)) continue;
        out[r.project!][r.stack!] ??= r.plan
          ? { status: "ok", plan: r.plan }
          : {
              status: "failed",
              reason: `recording stack ${r.stack} failed:\n${failureSummary(r.error ?? "") || "(no message)"}`,
            };
      }
      const why = signal ? `killed by ${signal} after ${timeout / 1000} s` : `exit ${code}`;
      failAll(
        `recording failed (${why}):\n${failureSummary(Buffer.concat(err).toString("utf8")) || "(no output)"}`,
      );
      resolve();
    });
  });
}

/** Records the stacks of one revision (see {@link runRecorders}). */
export async function runRecorder(
  projectDir: string,
  stacks: string[],
): Promise<Record<string, RecordOutcome>> {
  return (await runRecorders([{ projectDir, stacks }]))[projectDir];
}
