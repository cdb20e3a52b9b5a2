import { Command } from "commander";
import { verifyStack, VerifyOptions } from "../runbook/verifyStack";
import { CliContext } from "../shared/context";
import { stackOption } from "../shared/stacks";

/** `verify --stack <name>`: readiness and smoke checks after a change, recorded in the log. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("verify")
    .description(
      "Check every service's /health/ready and run the smoke flow from stack config, on a confirmed deploy (applied); record the result.",
    )
    .addOption(stackOption(ctx, "stack to verify").makeOptionMandatory())
    .option(
      "--operator <who>",
      "who ran it (recorded in the operations log); default: your user name",
    )
    .option(
      "--unconfirmed-deploy <reason>",
      "check although no applied entry confirms the deploy; recorded as unconfirmed, it never unlocks production or finalize",
    )
    .action((opts: VerifyOptions) => verifyStack(ctx, opts));
}
