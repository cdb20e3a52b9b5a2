import { Command } from "commander";
import { showLog } from "../runbook/logView";
import { CliContext } from "../shared/context";
import { stackOption } from "../shared/stacks";

/** `log`: the operations log as a Markdown table, optionally for one stack or variable. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("log")
    .description("Show the operations log (operations/log.jsonl) as a Markdown table.")
    .addOption(stackOption(ctx, "only entries of this stack"))
    .option("--variable <name>", "only entries about this variable")
    .action((opts: { stack?: string; variable?: string }) => showLog(ctx, opts));
}
