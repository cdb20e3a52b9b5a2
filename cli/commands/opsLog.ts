import { Command } from "commander";
import { CliContext } from "../shared/context";
import { ops } from "../ops/context";
import { logMarkdown, readLog } from "../ops/log";

/** `log`: the operations log as a Markdown table, optionally for one stack or variable. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("log")
    .description("Show the operations log (operations/log.jsonl) as a Markdown table.")
    .option("-s, --stack <name>", "only entries of this stack")
    .option("--variable <name>", "only entries about this variable")
    .action(async (opts: { stack?: string; variable?: string }) => {
      const o = ops(ctx);
      const rows = readLog(o.projectDir).filter(({ entry: e }) => {
        if (
          opts.stack &&
          (!("stack" in e) || e.stack !== opts.stack) &&
          !("stacks" in e && e.stacks.includes(opts.stack))
        ) {
          return false;
        }
        if (opts.variable) {
          const vars = "variable" in e ? [e.variable] : "variables" in e ? e.variables : [];
          if (!vars.includes(opts.variable)) return false;
        }
        return true;
      });
      o.out(logMarkdown(rows));
    });
}
