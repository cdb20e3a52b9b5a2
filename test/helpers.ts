import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { evaluate, EvaluateOptions, Evaluation } from "../cli/evaluate";
import { readStackConfig } from "../cli/stackFiles";
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
