import { Command } from "commander";
import { showRotationStatus } from "../runbook/status";
import { CliContext } from "../shared/context";
import { stackOption } from "../shared/stacks";

/** `rotation-status --stack <name>`: each secret's last rotation and age against its period. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("rotation-status")
    .description("List every secret's last rotation and age; flag those past 90 days.")
    .addOption(stackOption(ctx, "stack to report on").makeOptionMandatory())
    .option(
      "--fail-on-overdue",
      "exit non-zero if a secret is past its period or has no recorded rotation (for CI)",
    )
    .option("--json", "print JSON instead of the table")
    .action((opts: { stack: string; failOnOverdue?: boolean; json?: boolean }) =>
      showRotationStatus(ctx, opts),
    );
}
