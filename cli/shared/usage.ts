/**
 * Usage errors: bad input on the command line, refused before anything runs, exit 2. Commander
 * parses; this file makes every refusal name what is wrong and end with the command that fixes it
 * (the user's own command line, corrected where the CLI can tell how).
 */
import { Command, CommanderError, Option } from "commander";
import { closest } from "../../model/suggest";

/**
 * How the user's own command line becomes the fix: one word replaced by another (a mistyped stack
 * or option), or words appended (the required options left out).
 */
export interface Repair {
  wrong?: string;
  right?: string;
  append?: string[];
}

/**
 * Input the CLI refuses before doing anything (a stack that does not exist, an unknown option):
 * exits 2 like any usage error, where a failed check exits 1. `problem` says what is wrong and
 * `fix` what to do instead; with a `repair`, `main` shows the user's command line, repaired, as the fix.
 */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly problem: string,
    readonly fix?: string,
    readonly repair?: Repair,
  ) {
    super(fix === undefined ? problem : `${problem}\nFix: ${fix}`);
    this.name = "UsageError";
  }

  /** The message with the user's arguments repaired into the fix, when the repair applies to them. */
  explain(args?: readonly string[]): string {
    const fixed = args && this.repair ? repaired(args, this.repair) : undefined;
    return fixed ? `${this.problem}\nFix: ${commandLine(fixed)}` : this.message;
  }
}

/** The program's name as users type it. */
export const INVOCATION = "npx pegasus-secrets";

/** Quotes one word for a POSIX shell when it needs it; a `<placeholder>` stays as it is, to be replaced. */
export const shellWord = (w: string): string =>
  /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) || /^<[^<>]+>$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;

/** A command line as a user would type it. */
export const commandLine = (args: readonly string[]): string =>
  [INVOCATION, ...args.map(shellWord)].join(" ");

/**
 * `args` repaired: `wrong` replaced by `right` (as a word, or as the value of `--flag=value`), then
 * `append` added. Undefined when `wrong` is not among the arguments.
 */
export function repaired(args: readonly string[], r: Repair): string[] | undefined {
  let hit = r.wrong === undefined;
  const out = args.map((a) => {
    if (r.wrong === undefined || r.right === undefined) return a;
    if (a === r.wrong) {
      hit = true;
      return r.right;
    }
    if (a.startsWith("--") && a.endsWith(`=${r.wrong}`)) {
      hit = true;
      return `${a.slice(0, a.length - r.wrong.length)}${r.right}`;
    }
    return a;
  });
  return hit ? [...out, ...(r.append ?? [])] : undefined;
}

/** The command the user ran (`rotate`), found in the arguments; the program when there is none. */
export function commandOf(program: Command, args: readonly string[]): Command {
  for (const a of args) {
    if (a.startsWith("-")) continue;
    return program.commands.find((c) => c.name() === a || c.aliases().includes(a)) ?? program;
  }
  return program;
}

/** How an option is written in a usage line: `--stack <staging|production>`, `--operator <who>`. */
function optionUsage(o: Option): string {
  const flag = o.long ?? o.short ?? o.flags;
  if (o.argChoices?.length) return `${flag} <${o.argChoices.join("|")}>`;
  const arg = /[<[][^>\]]*[>\]]/.exec(o.flags)?.[0];
  return arg ? `${flag} ${arg}` : flag;
}

/** One command's usage line: its arguments and required options. */
export function usageLine(cmd: Command): string {
  const args = cmd.registeredArguments.map((a) => {
    const name = `${a.name()}${a.variadic ? "..." : ""}`;
    return a.required ? `<${name}>` : `[${name}]`;
  });
  const required = cmd.options.filter((o) => requiredOptions.get(cmd)?.includes(o));
  return [INVOCATION, cmd.name(), ...args, ...required.map(optionUsage)].join(" ");
}

const requiredOptions = new WeakMap<Command, Option[]>();

/**
 * Makes commander's parsing report usage errors the way this CLI does. Commander checks required
 * options before unknown ones, so `--operater alice` would be reported as a missing `--operator`:
 * required options are checked here instead, after commander has refused unknown options and bad
 * arguments, and every missing one is named at once. Call after every command is registered.
 */
export function checkRequiredOptionsLast(program: Command): void {
  for (const cmd of program.commands) {
    const required = cmd.options.filter((o) => o.mandatory);
    if (required.length === 0) continue;
    requiredOptions.set(cmd, required);
    for (const o of required) o.mandatory = false;
    cmd.hook("preAction", (_this, action) => {
      const values = action.opts();
      const missing = required.filter((o) => values[o.attributeName()] === undefined);
      if (missing.length === 0) return;
      const list = missing.map((o) =>
        o.argChoices ? `${o.long ?? o.flags} (one of ${o.argChoices.join(", ")})` : optionUsage(o),
      );
      throw new UsageError(`${action.name()} needs ${list.join(" and ")}.`, usageLine(action), {
        append: missing.flatMap((o) => optionUsage(o).split(" ")),
      });
    });
  }
}

const quoted = (message: string): string | undefined => /'([^']*)'/.exec(message)?.[1];
const bare = (message: string): string => message.replace(/^error: /, "").split("\n")[0];

/**
 * A commander parse error as this CLI reports it: what is wrong, and the fix (the user's command
 * line corrected, when a close name exists). `args` are the user's arguments.
 */
export function commanderUsage(program: Command, err: CommanderError, args: string[]): UsageError {
  const cmd = commandOf(program, args);
  const name = cmd === program ? "pegasus-secrets" : cmd.name();
  const help = `${commandLine(cmd === program ? ["--help"] : [name, "--help"])} lists what it takes.`;
  switch (err.code) {
    case "commander.unknownOption": {
      const flag = quoted(err.message) ?? "";
      const longs = [...cmd.options, ...program.options].flatMap((o) => (o.long ? [o.long] : []));
      const near = flag.startsWith("--") ? closest(flag, [...longs, "--help"]) : undefined;
      return new UsageError(
        `unknown option ${flag} for ${name}.${near ? ` Did you mean ${near}?` : ""}`,
        near ? `use ${near}.` : `remove ${flag}; ${help}`,
        near ? { wrong: flag, right: near } : undefined,
      );
    }
    case "commander.unknownCommand": {
      const word = quoted(err.message) ?? "";
      const near = closest(
        word,
        program.commands.map((c) => c.name()),
      );
      return new UsageError(
        `unknown command ${word}.${near ? ` Did you mean ${near}?` : ""}`,
        near ? `use ${near}.` : `${commandLine(["--help"])} lists the commands.`,
        near ? { wrong: word, right: near } : undefined,
      );
    }
    case "commander.optionMissingArgument":
      return new UsageError(
        `option ${quoted(err.message)} needs a value (${name}).`,
        usageLine(cmd),
      );
    case "commander.missingArgument":
      return new UsageError(`${name} needs its argument <${quoted(err.message)}>.`, usageLine(cmd));
    case "commander.excessArguments":
      return new UsageError(
        `${name} takes ${cmd.registeredArguments.length || "no"} argument${cmd.registeredArguments.length === 1 ? "" : "s"}; ${bare(err.message).replace(/^.*but got /, "got ")}`,
        usageLine(cmd),
      );
    default:
      return new UsageError(`${bare(err.message)}.`, help);
  }
}
