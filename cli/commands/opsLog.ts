import { Command } from "commander";
import { CliContext } from "../shared/context";
import { stackOption } from "../shared/stacks";

/** The feature behind the command, loaded only when the command runs. */
function logViewModule(): typeof import("../runbook/logView") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: `--help` and the other commands never load it
  return require("../runbook/logView");
}

/** `log`: the operations log as a Markdown table, optionally for one stack or variable. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("log")
    .description("Show the operations log (operations/log.jsonl) as a Markdown table.")
    .addOption(stackOption(ctx, "only entries of this stack"))
    .option("--variable <name>", "only entries about this variable")
    .action((opts: { stack?: string; variable?: string }) => logViewModule().showLog(ctx, opts));
}
