import * as fs from "fs";
import * as path from "path";
import { Command, CommanderError } from "commander";
import { ConfigError } from "../model";
import { closest } from "../model/suggest";
import { CliContext, defaultContext } from "./shared/context";
import { checkRequiredOptionsLast, commanderUsage, commandLine, UsageError } from "./shared/usage";
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
import * as doctor from "./commands/doctor";

/** Every command module registers itself here; each one only wires its options to a feature. */
const COMMANDS: { register(program: Command, ctx: CliContext): void }[] = [
  plan,
  doctor,
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

/** The package's version, from its package.json. */
const version = (): string =>
  (
    JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as {
      version: string;
    }
  ).version;

/**
 * `help [command]`: commander's own prints every command's help and exits 1 for a name it does not
 * know; this one refuses an unknown name as a usage error with the closest command.
 */
function helpCommand(program: Command): void {
  program.helpCommand(false);
  program
    .command("help")
    .description("display help for a command")
    .argument("[command]", "the command")
    .action((name?: string) => {
      if (name === undefined) program.help();
      const cmd = program.commands.find((c) => c.name() === name);
      if (cmd) cmd.help();
      const near = closest(
        name,
        program.commands.map((c) => c.name()),
      );
      throw new UsageError(
        `unknown command ${name}.${near ? ` Did you mean ${near}?` : ""}`,
        near ? commandLine(["help", near]) : `${commandLine(["--help"])} lists the commands.`,
      );
    });
}

/** Builds the `pegasus-secrets` CLI. */
export function buildCli(ctx: CliContext = defaultContext()): Command {
  const program = new Command("pegasus-secrets")
    .description("Plan, review and operate the secrets of the Pegasus platform (see README.md).")
    .version(version(), "-V, --version", "print the version of pegasus-secrets")
    // `main` reports commander's errors itself, each with its fix (inherited by every command).
    .configureOutput({ outputError: () => undefined })
    .exitOverride();
  for (const c of COMMANDS) c.register(program, ctx);
  helpCommand(program);
  checkRequiredOptionsLast(program);
  return program;
}

/**
 * Runs the CLI; returns the exit code (README, "Exit codes"): 0 ok, 1 a check failed, 2 bad input
 * or usage (an unknown option, command or stack, invalid config). Every refusal ends with its fix;
 * messages never carry values.
 */
export async function main(argv: string[], ctx?: CliContext): Promise<number> {
  const args = argv.slice(2);
  const program = buildCli(ctx);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and --version exit 0; help asked for by mistake (no command at all) is a usage error.
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return 0;
      if (err.code === "commander.help") return err.exitCode === 0 ? 0 : 2;
      process.stderr.write(`error: ${commanderUsage(program, err, args).explain(args)}\n`);
      return 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.explain(args)}\n`);
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
