import { execFile } from "child_process";
import { randomBytes } from "crypto";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import {
  evaluate,
  EvaluateOptions,
  Evaluation,
  readStackConfig,
  Registrations,
  runUnderMocks,
  ValueGenerator,
} from "../cli/plan";
import { main } from "../cli/main";
import { RawConfig } from "../model";
import { runProgram } from "../stacks";
import { FIXTURE_DIR, projectCopy } from "./fixtures";

/**
 * The repository root: the Pulumi project. Specs read its code, docs and project files from here;
 * its stack files only in test/repo/, for what must always hold of them. Every other spec uses
 * the fixture stacks (test/fixtures.ts), so a real setup or rotation commit never breaks a test.
 */
export const PROJECT_DIR = path.resolve(__dirname, "..");

/** A fixed clock, so two evaluations agree on the first rotation time. */
export const FIXED_NOW = new Date("2026-11-29T08:00:00Z");

/**
 * Evaluates a fixture stack (test/fixtures/stacks) offline the way `plan` does, running the same
 * code as `index.ts`.
 */
export const planStack = (
  stack: string,
  opts: Partial<EvaluateOptions> = {},
): Promise<Evaluation> =>
  evaluate({
    projectDir: FIXTURE_DIR,
    stack,
    program: () => runProgram({ now: FIXED_NOW, stackFilesDir: FIXTURE_DIR }),
    ...opts,
  });

/**
 * What the program registered for a fixture stack, secret values in clear (the plan engine's layer
 * below its redaction): for tests that compare values between two runs, such as the blast radius
 * of a keeper bump.
 */
export const registerStack = (
  stack: string,
  opts: Partial<EvaluateOptions> = {},
): Promise<Registrations> =>
  runUnderMocks({
    projectDir: FIXTURE_DIR,
    stack,
    program: () => runProgram({ now: FIXED_NOW, stackFilesDir: FIXTURE_DIR }),
    ...opts,
  });

/**
 * A value generator for the plan's mocks that issues a fresh random value for every computed secret
 * output, and lists them, so a test can search any output for every value the program received.
 */
export function canaryValueGenerator(): { gen: ValueGenerator; issued: string[] } {
  const issued: string[] = [];
  return {
    issued,
    gen: () => {
      const v = `canary${randomBytes(12).toString("hex")}`;
      issued.push(v);
      return v;
    },
  };
}

/** A fixture stack file's config, as the CLI would pass it, plus overrides. */
export function stackRaw(
  stack: string,
  overrides: Record<string, string | undefined> = {},
  secretKeys: string[] = [],
): RawConfig {
  const files = readStackConfig(FIXTURE_DIR, stack);
  const values: Record<string, string | undefined> = { ...files.values, ...overrides };
  // An overridden key is plaintext unless the test lists it in `secretKeys`, as with `pulumi config set`.
  const secrets = new Set([...files.secretKeys.filter((k) => !(k in overrides)), ...secretKeys]);
  return { get: (k) => values[k], isSecret: (k) => secrets.has(k) };
}

/** Resolves an Output's value in tests (STYLE 3.6 example 9). */
export const unwrap = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((r) => o.apply(r));

/** Resolves whether an Output is secret. */
export const isSecret = (o: pulumi.Output<unknown>): Promise<boolean> => pulumi.isSecret(o);

const sdkSettings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
/** Waits until every registration sent to the mocks has landed (they arrive asynchronously). */
/**
 * Loads a serialized `__provider` exactly as `@pulumi/pulumi/cmd/dynamic-provider` does, with the
 * SDK's own dependency `require-from-string`.
 */
export function loadAsHost(code: string): pulumi.dynamic.ResourceProvider {
  const requireFromString = require("require-from-string") as (c: string) => {
    handler(): pulumi.dynamic.ResourceProvider;
  };
  return requireFromString(code).handler();
}

export const settle = (): Promise<void> => sdkSettings.waitForRPCs();

/**
 * A throwaway copy of the project with the fixture stack files (test/fixtures.ts, `projectCopy`):
 * its own `bin/pegasus-secrets.js` runs against them, so a test can change them, or run the real
 * CLI as a child process, without touching the committed ones.
 */
export const copyProject = (prefix = "pegasus-copy-"): { dir: string; cleanup(): void } =>
  projectCopy(prefix, "fixtures");

/** What one run of the CLI did. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in this process (`main`, all the bin calls) on a project folder, both streams
 * captured: for refusals where a child process would prove nothing more than the specs that run
 * the real bin (exit codes, pipes, a start without a stack trace) already do.
 */
export async function runMain(projectDir: string, args: string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const out = jest
    .spyOn(process.stdout, "write")
    .mockImplementation((c) => ((stdout += String(c)), true));
  const err = jest
    .spyOn(process.stderr, "write")
    .mockImplementation((c) => ((stderr += String(c)), true));
  try {
    const code = await main(["node", "pegasus-secrets", ...args], { projectDir });
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/**
 * Runs the real CLI of a project copy as a child process, `node <dir>/bin/pegasus-secrets.js
 * <args>`, in `cwd` (default: the copy), with `env` added to this process's environment (a key
 * set to undefined is removed). Resolves whatever the exit code; the child is killed after
 * `timeoutMs`.
 */
export function runCli(
  dir: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): Promise<CliRun> {
  const env = { ...process.env, ...opts.env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(dir, "bin", "pegasus-secrets.js"), ...args],
      { cwd: opts.cwd ?? dir, env, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
