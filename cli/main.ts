import { Command, CommanderError } from "commander";
import { ConfigError } from "../model";
import { CliContext, defaultContext } from "./shared/context";
import { UsageError } from "./shared/stacks";
import * as plan from "./commands/plan";
import * as envLocal from "./commands/envLocal";
import * as policyCheck from "./commands/policyCheck";
import * as accessDiff from "./commands/accessDiff";
import * as lintManifests from "./commands/lintManifests";
import * as docs from "./commands/docs";
import * as rotate from "./commands/rotate";
import * as finalize from "./commands/finalize";
import * as verify from "./commands/verify";
import * as rotationStatus from "./commands/rotationStatus";
import * as breakGlass from "./commands/breakGlass";
import * as freeze from "./commands/freeze";
import * as evidence from "./commands/evidence";
import * as opsLog from "./commands/opsLog";
import * as applied from "./commands/applied";
import * as emergencyAccess from "./commands/emergencyAccess";
import * as seal from "./commands/seal";

/** Every command module registers itself here; each one only wires its options to a feature. */
const COMMANDS: { register(program: Command, ctx: CliContext): void }[] = [
  plan,
  envLocal,
  policyCheck,
  accessDiff,
  lintManifests,
  docs,
  // The rotation runbook and break-glass (docs/runbook.md).
  rotate,
  seal,
  applied,
  verify,
  finalize,
  rotationStatus,
  breakGlass,
  emergencyAccess,
  freeze,
  evidence,
  opsLog,
];

/** Builds the `pegasus-secrets` CLI. */
export function buildCli(ctx: CliContext = defaultContext()): Command {
  const program = new Command("pegasus-secrets")
    .description("Plan, review and operate the secrets of the Pegasus platform (see README.md).")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  for (const c of COMMANDS) c.register(program, ctx);
  return program;
}

/**
 * Runs the CLI; returns the exit code. Config errors and an unknown stack exit 2, other failures 1
 * (commander's own usage errors keep its code); messages never carry values.
 */
export async function main(argv: string[], ctx?: CliContext): Promise<number> {
  try {
    await buildCli(ctx).parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
}
