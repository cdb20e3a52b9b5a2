/**
 * The recorder's process, seen from the CLI: `runRecorders` starts this CLI's recorder
 * (./recordMain.ts, ./record.ts) in a child process and reads back one recorded plan per project
 * and stack. The verdict is never computed there: the programs it runs cannot reach the rules, the
 * report or the exit code, which stay in this process.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { failureSummary } from "../plan";
import type { RecordedPlan, RecordOutcome } from "./record";

const RECORD_TIMEOUT_MS = 180_000;
/** This CLI's own folder: the code that records and judges. */
const JUDGE_DIR = path.resolve(__dirname, "..", "..");

/** One revision to record: its project folder and the stacks to record. */
export interface RecordJob {
  projectDir: string;
  stacks: string[];
}

/**
 * Records the stacks of one or more revisions in one child process running this CLI's recorder,
 * one after the other in the order given (loading the SDK and the providers once is most of a
 * recording's cost). The result is keyed by project folder, then stack. A stack without its stack
 * file is `absent`; one whose program fails is `failed` with its error, never a crash of the caller.
 * The first line the recorder prints for a project and stack is the one kept: a program recorded
 * later cannot replace an earlier revision's record.
 */
export async function runRecorders(
  jobs: RecordJob[],
): Promise<Record<string, Record<string, RecordOutcome>>> {
  const out: Record<string, Record<string, RecordOutcome>> = {};
  const todo: RecordJob[] = [];
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
    todo.push({ projectDir, stacks: present });
  }
  if (todo.length === 0) return out;
  const count = todo.reduce((n, j) => n + j.stacks.length, 0);
  const timeout = RECORD_TIMEOUT_MS * count;
  const failAll = (reason: string) => {
    for (const j of todo)
      for (const s of j.stacks) out[j.projectDir][s] ??= { status: "failed", reason };
  };
  await new Promise<void>((resolve) => {
    const child = spawn(
      process.execPath,
      [
        "-r",
        path.join(JUDGE_DIR, "bin", "register.js"),
        path.join(JUDGE_DIR, "cli", "review", "recordMain.ts"),
        JSON.stringify(todo),
      ],
      {
        cwd: todo[0].projectDir,
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
        const mine = r.project !== undefined ? out[r.project] : undefined;
        if (
          !mine ||
          !r.stack ||
          !todo.some((j) => j.projectDir === r.project && j.stacks.includes(r.stack!))
        )
          continue;
        mine[r.stack] ??= r.plan
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
  return out;
}

/** Records the stacks of one revision (see {@link runRecorders}). */
export async function runRecorder(
  projectDir: string,
  stacks: string[],
): Promise<Record<string, RecordOutcome>> {
  return (await runRecorders([{ projectDir, stacks }]))[projectDir];
}
