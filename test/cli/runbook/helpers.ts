import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { main } from "../../../cli/main";
import { Executor, OpsContext } from "../../../cli/runbook/context";
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
  read(rel: string): string;
  write(rel: string, text: string): void;
  exists(rel: string): boolean;
  cleanup(): void;
}

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
  const exec: Executor = (command) => {
    p.executed.push(command);
    return p.exitCodes[p.executed.length - 1] ?? 0;
  };
  const ctx: OpsContext = {
    projectDir: p.dir,
    now: () => p.clock.now,
    out: (t) => out.push(t),
    exec,
    env: p.env,
    deployedKeepers: () => null,
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
