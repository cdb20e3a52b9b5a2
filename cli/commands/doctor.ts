import { Command } from "commander";
import { CliContext } from "../shared/context";
import { stackOption } from "../shared/stacks";

/** The feature behind the command, loaded only when the command runs. */
function doctorModule(): typeof import("../doctor") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: `--help` and the other commands never load it
  return require("../doctor");
}

/** `doctor --stack <name>`: is this machine ready for a real `pulumi up` of that stack? */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("doctor")
    .description(
      "Check every prerequisite of a real pulumi up of a stack on this machine: the Pulumi CLI, the backend login, the secrets provider, GCP credentials, platform tokens (never shown), placeholders and external values. One line per check with its fix; exits 1 when one fails. No network call unless --online.",
    )
    .addOption(stackOption(ctx, "the stack a pulumi up would apply").makeOptionMandatory())
    .option(
      "--online",
      "also ask the backend (pulumi whoami) and each platform (one read-only call) whether the login and tokens are accepted",
    )
    .action((opts: { stack: string; online?: boolean }) => doctorModule().showDoctor(ctx, opts));
}
