import { Command } from "commander";
import type { AppliedOptions } from "../runbook/applied";
import { CliContext } from "../shared/context";
import { stackOption } from "../shared/stacks";

/** The feature behind the command, loaded only when the command runs. */
function appliedModule(): typeof import("../runbook/applied") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: `--help` and the other commands never load it
  return require("../runbook/applied");
}

/** `applied --stack <name>`: records what a stack runs after `pulumi up`, from its outputs. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("applied")
    .description(
      "Record what a stack runs after a successful pulumi up, from its outputs (the push workflow does this); verify counts only against it.",
    )
    .addOption(stackOption(ctx, "stack that was applied").makeOptionMandatory())
    .requiredOption("--operator <who>", "who applied it (a person, or the workflow)")
    .option(
      "--outputs <file>",
      "the JSON of `pulumi stack output --json` (`-` for standard input); default: run that command",
    )
    .action((opts: AppliedOptions) => appliedModule().recordApplied(ctx, opts));
}
