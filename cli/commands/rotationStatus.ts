import { Command } from "commander";
import { CliContext } from "../shared/context";
import { stackOption } from "../shared/stacks";

/** The feature behind the command, loaded only when the command runs. */
function statusModule(): typeof import("../runbook/status") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: `--help` and the other commands never load it
  return require("../runbook/status");
}

/** `rotation-status --stack <name>`: each secret's last rotation and age against its period. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("rotation-status")
    .description(
      "List every secret's last rotation, age and rotation state; flag those past their period (at most 90 days).",
    )
    .addOption(stackOption(ctx, "stack to report on").makeOptionMandatory())
    .option(
      "--fail-on-overdue",
      "exit 1 if a secret is past its rotation period (for CI; a stack never deployed has none)",
    )
    .option("--json", "print the stable JSON form (version 1) instead of the table")
    .action((opts: { stack: string; failOnOverdue?: boolean; json?: boolean }) =>
      statusModule().showRotationStatus(ctx, opts),
    );
}
