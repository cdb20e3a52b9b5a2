import { Command } from "commander";
import { AppliedOptions, recordApplied } from "../runbook/applied";
import { CliContext } from "../shared/context";
import { stackOption } from "../shared/stacks";

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
    .action((opts: AppliedOptions) => recordApplied(ctx, opts));
}
