import * as fs from "fs";
import * as path from "path";
import { Command, CommanderError } from "commander";
import { ConfigError } from "../model/errors";
import { closest } from "../model/suggest";
import { CliContext, defaultContext } from "./shared/context";
import { checkRequiredOptionsLast, commanderUsage, commandLine, UsageError } from "./shared/usage";

/** What a command module exports: it registers its command(s) on the program. */
interface CommandModule {
  register(program: Command, ctx: CliContext): void;
}

/*
 * Every command module, with the command names it registers, in the order `--help` lists them.
 * A module is loaded only when the command line names one of its commands (or asks for the full
 * list: no command, `help`, an unknown word), so a command loads its own feature and nothing
 * else. test/cli/main.spec.ts checks each name here against what its module registers.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- command modules load lazily, typed by their own module */
export const COMMANDS: readonly { names: readonly string[]; load: () => CommandModule }[] = [
  { names: ["plan"], load: () => require("./commands/plan") as typeof import("./commands/plan") },
  {
    names: ["doctor"],
    load: () => require("./commands/doctor") as typeof import("./commands/doctor"),
  },
  {
    names: ["env:local", "env:example"],
    load: () => require("./commands/envLocal") as typeof import("./commands/envLocal"),
  },
  {
    names: ["policy-check"],
    load: () => require("./commands/policyCheck") as typeof import("./commands/policyCheck"),
  },
  {
    names: ["access-diff"],
    load: () => require("./commands/accessDiff") as typeof import("./commands/accessDiff"),
  },
  {
    names: ["lint-manifests"],
    load: () => require("./commands/lintManifests") as typeof import("./commands/lintManifests"),
  },
  { names: ["docs"], load: () => require("./commands/docs") as typeof import("./commands/docs") },
  // The rotation runbook and break-glass (docs/runbook.md).
  {
    names: ["rotate"],
    load: () => require("./commands/rotate") as typeof import("./commands/rotate"),
  },
  { names: ["seal"], load: () => require("./commands/seal") as typeof import("./commands/seal") },
  {
    names: ["applied"],
    load: () => require("./commands/applied") as typeof import("./commands/applied"),
  },
  {
    names: ["verify"],
    load: () => require("./commands/verify") as typeof import("./commands/verify"),
  },
  {
    names: ["finalize"],
    load: () => require("./commands/finalize") as typeof import("./commands/finalize"),
  },
  {
    names: ["rotation-status"],
    load: () => require("./commands/rotationStatus") as typeof import("./commands/rotationStatus"),
  },
  {
    names: ["break-glass"],
    load: () => require("./commands/breakGlass") as typeof import("./commands/breakGlass"),
  },
  {
    names: ["grant-access", "revoke-access"],
    load: () =>
      require("./commands/emergencyAccess") as typeof import("./commands/emergencyAccess"),
  },
  {
    names: ["freeze", "freeze-status", "lift-freeze"],
    load: () => require("./commands/freeze") as typeof import("./commands/freeze"),
  },
  {
    names: ["evidence"],
    load: () => require("./commands/evidence") as typeof import("./commands/evidence"),
  },
  {
    names: ["log"],
    load: () => require("./commands/opsLog") as typeof import("./commands/opsLog"),
  },
];
/* eslint-enable @typescript-eslint/no-require-imports -- end of the command modules */

/**
 * The modules a command line needs: the one that registers the command it names, or all of them
 * when it names none (help, `--version`, an unknown command: those list or suggest every command).
 */
function modulesFor(args?: readonly string[]): CommandModule[] {
  const word = args?.find((a) => !a.startsWith("-"));
  const named = word === undefined ? undefined : COMMANDS.find((c) => c.names.includes(word));
  return (named ? [named] : COMMANDS).map((c) => c.load());
}

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

/**
 * Builds the `pegasus-secrets` CLI. Given the user's arguments, only the command they name is
 * registered (its module is all that loads); without, every command is.
 */
export function buildCli(ctx: CliContext = defaultContext(), args?: readonly string[]): Command {
  const program = new Command("pegasus-secrets")
    .description("Plan, review and operate the secrets of the Pegasus platform (see README.md).")
    .version(version(), "-V, --version", "print the version of pegasus-secrets")
    // `main` reports commander's errors itself, each with its fix (inherited by every command).
    .configureOutput({ outputError: () => undefined })
    .exitOverride();
  for (const c of modulesFor(args)) c.register(program, ctx);
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
  const program = buildCli(ctx, args);
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
