import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
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
import { RawConfig } from "../model";
import { runProgram } from "../stacks";

/** The repository root: the Pulumi project. */
export const PROJECT_DIR = path.resolve(__dirname, "..");

/** A fixed clock, so two evaluations agree on the first rotation time. */
export const FIXED_NOW = new Date("2026-11-29T08:00:00Z");

/** Evaluates a stack offline the way `plan` does, running the same code as `index.ts`. */
export const planStack = (
  stack: string,
  opts: Partial<EvaluateOptions> = {},
): Promise<Evaluation> =>
  evaluate({
    projectDir: PROJECT_DIR,
    stack,
    program: () => runProgram({ now: FIXED_NOW }),
    ...opts,
  });

/**
 * What the program registered for a stack, secret values in clear (the plan engine's layer below its
 * redaction): for tests that compare values between two runs, such as the blast radius of a keeper bump.
 */
export const registerStack = (
  stack: string,
  opts: Partial<EvaluateOptions> = {},
): Promise<Registrations> =>
  runUnderMocks({
    projectDir: PROJECT_DIR,
    stack,
    program: () => runProgram({ now: FIXED_NOW }),
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

/** The committed stack file's config, as the CLI would pass it, plus overrides. */
export function stackRaw(
  stack: string,
  overrides: Record<string, string | undefined> = {},
  secretKeys: string[] = [],
): RawConfig {
  const files = readStackConfig(PROJECT_DIR, stack);
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
export const settle = (): Promise<void> => sdkSettings.waitForRPCs();

/**
 * A throwaway copy of the project as this working tree holds it (every tracked or new file but the
 * tests and docs), with the working tree's node_modules linked in: its own `bin/pegasus-secrets.js`
 * runs against its own stack files, so a test can change them, or run the real CLI as a child
 * process, without touching the committed ones.
 */
export function copyProject(prefix = "pegasus-copy-"): { dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const files = execFileSync(
    "git",
    ["ls-files", "-co", "--exclude-standard", "--", ".", ":(exclude)test", ":(exclude)docs"],
    { cwd: PROJECT_DIR, encoding: "utf8" },
  )
    .split("\n")
    .filter(Boolean);
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(PROJECT_DIR, f), path.join(dir, f));
  }
  fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"), "dir");
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
