import { Command } from "commander";
import { writeEvidence } from "../runbook/evidence";
import { CliContext } from "../shared/context";
import { stackOption } from "../shared/stacks";

/** `evidence --stack <name>`: the dated record with the guide's three proof lines. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("evidence")
    .description(
      "Write operations/evidence/<date>-<stack>.md with the guide's three proof lines (from the plan and the operations log).",
    )
    .addOption(
      stackOption(
        ctx,
        "stack the record is for (the rehearsal line always reads staging)",
      ).makeOptionMandatory(),
    )
    .action((opts: { stack: string }) => writeEvidence(ctx, opts));
}
