import { Command } from "commander";
import { CliContext } from "../shared/context";
import { stackOption } from "../shared/stacks";

/** The feature behind the command, loaded only when the command runs. */
function evidenceModule(): typeof import("../runbook/evidence") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: `--help` and the other commands never load it
  return require("../runbook/evidence");
}

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
    .action((opts: { stack: string }) => evidenceModule().writeEvidence(ctx, opts));
}
