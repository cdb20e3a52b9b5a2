import { Command } from "commander";
import type { VerifyOptions } from "../runbook/verifyStack";
import { CliContext } from "../shared/context";
import { stackOption } from "../shared/stacks";

/** The feature behind the command, loaded only when the command runs. */
function verifyStackModule(): typeof import("../runbook/verifyStack") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: `--help` and the other commands never load it
  return require("../runbook/verifyStack");
}

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
    .action((opts: VerifyOptions) => verifyStackModule().verifyStack(ctx, opts));
}
