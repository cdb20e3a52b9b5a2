import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { main } from "../../../cli/main";
import { Executor, OpsContext } from "../../../cli/runbook/context";
import { appendLog, VerifyEntry } from "../../../cli/runbook/log";
import { loadModel } from "../../../cli/runbook/stackEdit";
import { previousKeepers, rotationKeepers } from "../../../model";
import { fixtureProject } from "../../fixtures";
import { PROJECT_DIR } from "../../helpers";

/** A throwaway copy of the project's config files: the runbook commands edit and log in it. */
export interface TempProject {
  dir: string;
  /** The clock every command sees; tests move it. */
  clock: { now: Date };
  /** Commands `break-glass --run` was asked to run, in order. */
  executed: string[][];
  /** Exit codes the fake executor returns, by position; default 0. */
  exitCodes: number[];
  env: Record<string, string | undefined>;
  /**
   * What each stack's `pulumi stack output --json` answers: set by {@link pulumiUp} (a stand-in for
   * a successful `pulumi up`, which no test here can run). A stack never "applied" has no outputs.
   */
  outputs: Record<string, string>;
  read(rel: string): string;
  write(rel: string, text: string): void;
  exists(rel: string): boolean;
  cleanup(): void;
}

/** The project files a runbook command reads besides the stack files (which come from the fixtures). */
const COPIED = ["Pulumi.yaml", ".gitignore", ".env.example"];

export function tempProject(start = "2026-11-29T03:00:00Z"): TempProject {
  // The stack files are the tests' own fixtures, never the committed ones (test/fixtures.ts).
  const dir = fixtureProject().dir;
  for (const f of COPIED) {
    if (fs.existsSync(path.join(PROJECT_DIR, f)))
      fs.copyFileSync(path.join(PROJECT_DIR, f), path.join(dir, f));
  }
  return {
    dir,
    clock: { now: new Date(start) },
    executed: [],
    exitCodes: [],
    env: {},
    outputs: {},
    read: (rel) => fs.readFileSync(path.join(dir, rel), "utf8"),
    write: (rel, text) => fs.writeFileSync(path.join(dir, rel), text),
    exists: (rel) => fs.existsSync(path.join(dir, rel)),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** The result of one CLI run: exit code, what it printed, and what it wrote to stderr. */
export interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs `pegasus-secrets <args>` in a temp project, capturing output. */
export async function cli(
  p: TempProject,
  args: string[],
  extra: Partial<OpsContext> = {},
): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const exec: Executor = (command, opts) => {
    p.executed.push(
      opts.env ? [...Object.entries(opts.env).map(([k, v]) => `${k}=${v}`), ...command] : command,
    );
    return p.exitCodes[p.executed.length - 1] ?? 0;
  };
  const ctx: OpsContext = {
    projectDir: p.dir,
    now: () => p.clock.now,
    out: (t) => out.push(t),
    exec,
    env: p.env,
    // A clean git work tree and a Pulumi CLI, unless a test says otherwise.
    probe: (command) => {
      if (command[0] === "git") return { status: 0, stdout: "" };
      if (command.slice(0, 3).join(" ") === "pulumi stack output") {
        const stack = command[command.indexOf("--stack") + 1];
        return stack in p.outputs
          ? { status: 0, stdout: p.outputs[stack] }
          : { status: 255, stdout: "", stderr: `error: no stack named '${stack}' found\n` };
      }
      return { status: 0, stdout: "v3.200.0" };
    },
    ...extra,
  };
  const spy = jest.spyOn(process.stderr, "write").mockImplementation((chunk: unknown) => {
    err.push(String(chunk));
    return true;
  });
  const stdout = jest.spyOn(process.stdout, "write").mockImplementation((chunk: unknown) => {
    out.push(String(chunk));
    return true;
  });
  try {
    const code = await main(["node", "pegasus-secrets", ...args], ctx);
    return { code, out: out.join("\n"), err: err.join("") };
  } finally {
    spy.mockRestore();
    stdout.mockRestore();
  }
}

/** The `error: ...` line a refusal prints, without the prefix and newline. */
export const refusal = (r: Run): string => r.err.replace(/^error: /, "").trimEnd();

/** Sets (or with `undefined` removes) `config.<key>` in a stack file of the temp project (test setup). */
export function setStackConfig(p: TempProject, stack: string, key: string, value: unknown): void {
  const file = `Pulumi.${stack}.yaml`;
  const doc = YAML.parseDocument(p.read(file));
  if (value === undefined) doc.deleteIn(["config", key]);
  else doc.setIn(["config", key], doc.createNode(value));
  p.write(file, doc.toString({ lineWidth: 0 }));
}

/** What `pulumi config set --secret` leaves in a stack file: a fresh ciphertext (random bytes here). */
export function fakePulumiSecretSet(p: TempProject, stack: string, configKey: string): void {
  setStackConfig(p, stack, `pegasus-secrets:${configKey}`, {
    secure: `v1:${randomBytes(24).toString("base64")}`,
  });
}

/** The operations log's entries. */
export const logEntries = (p: TempProject): Record<string, any>[] =>
  p.exists("operations/log.jsonl")
    ? p
        .read("operations/log.jsonl")
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l))
    : [];

/** Advances the test clock. */
export const advance = (p: TempProject, minutes: number): void => {
  p.clock.now = new Date(p.clock.now.getTime() + minutes * 60_000);
};

/**
 * A stand-in for a successful `pulumi up --stack <stack>`: from now on the stack's outputs are
 * the ones the program exports for its stack file as it stands (the same keeper functions the
 * program calls), so a test applies exactly what it committed.
 */
export function pulumiUp(p: TempProject, stack: string): void {
  const model = loadModel(p.dir, stack);
  p.outputs[stack] = JSON.stringify({
    stack,
    rotationKeepers: rotationKeepers(model),
    previousKeepers: previousKeepers(model),
  });
}

/**
 * What the push workflow does for a stack: `pulumi up` (the stand-in above), then `applied`,
 * which reads the outputs with `pulumi stack output --json`.
 */
export async function applied(p: TempProject, stack: string, operator = "ci"): Promise<Run> {
  pulumiUp(p, stack);
  return cli(p, ["applied", "--stack", stack, "--operator", operator]);
}

/**
 * Appends a verify entry as `verify` records it, confirmed by default (the verify command itself,
 * against a local service, is tested in verify.spec.ts; the runbook specs need only its record).
 */
export const verified = (
  p: TempProject,
  stack: string,
  keepers: Record<string, string>,
  ok = true,
  confirmed = true,
  kinds: ("ready" | "smoke")[] = ["ready", "smoke"],
): void => {
  const e: VerifyEntry = {
    action: "verify",
    ts: p.clock.now.toISOString().replace(/\.\d{3}Z$/, "Z"),
    operator: "alice",
    stack,
    ok,
    keepers,
    previousKeepers: {},
    deployedKeepers: null,
    confirmed,
    appliedLine: null,
    unconfirmedReason: confirmed ? null : "testing",
    checks: kinds.map((kind) => ({
      kind,
      name: kind === "ready" ? "api" : "ingest a document",
      ok,
      detail: ok ? "HTTP 200 after 1 attempt" : "HTTP 503",
      attempts: 1,
      ms: 1,
      url: kind === "ready" ? "http://127.0.0.1/ready" : "http://127.0.0.1/v1/ingest",
    })),
    ms: 1,
  };
  appendLog(p.dir, e);
};

/** Runs one runbook command that must succeed; a refusal fails the test with its message. */
export async function ok(p: TempProject, args: string[]): Promise<Run> {
  const r = await cli(p, args);
  if (r.code !== 0) throw new Error(`${args.join(" ")} exited ${r.code}: ${r.err}${r.out}`);
  return r;
}

/**
 * Takes a generated secret's rotation through both stacks as the runbook does, up to production
 * verified: rotate staging, applied, verify, rotate production, applied, verify. Each step is the
 * command itself (verify's record stands in for the HTTP checks). Returns the keeper per stack.
 */
export async function rotateThroughProduction(
  p: TempProject,
  variable: string,
  operator = "alice",
): Promise<{ staging: string; production: string }> {
  const keepers = { staging: "", production: "" };
  for (const stack of ["staging", "production"] as const) {
    await ok(p, ["rotate", variable, "--stack", stack, "--operator", operator]);
    const model = loadModel(p.dir, stack);
    keepers[stack] = rotationKeepers(model)[variable];
    advance(p, 5);
    const r = await applied(p, stack);
    if (r.code !== 0) throw new Error(`applied ${stack}: ${r.err}`);
    advance(p, 5);
    verified(p, stack, rotationKeepers(model));
    advance(p, 5);
  }
  return keepers;
}
