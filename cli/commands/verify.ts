import { Command } from "commander";
import { verifyStack } from "../runbook/verifyStack";
import { CliContext } from "../shared/context";
import { stackOption } from "../shared/stacks";

/** `verify --stack <name>`: readiness and smoke checks after a change, recorded in the log. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("verify")
    .description(
      "Check every service's /health/ready and run the smoke flow from stack config; record the result.",
    )
    .addOption(stackOption(ctx, "stack to verify").makeOptionMandatory())
    .option(
      "--operator <who>",
      "who ran it (recorded in the operations log); default: your user name",
    )
    .action((opts: { stack: string; operator?: string }) => verifyStack(ctx, opts));
}
