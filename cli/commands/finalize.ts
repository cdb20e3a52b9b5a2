import { Command } from "commander";
import { finalize } from "../runbook/finalize";
import { CliContext } from "../shared/context";
import { stackOption } from "../shared/stacks";

/** `finalize <VARIABLE>`: ends a signing key's overlap window once verify has passed. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("finalize")
    .description(
      "End a signing key's overlap window: revoke its previous value (after verify has passed).",
    )
    .argument("<VARIABLE>", "the signing key, e.g. JWT_SECRET")
    .addOption(stackOption(ctx, "stack whose overlap window to close").makeOptionMandatory())
    .requiredOption("--operator <who>", "who is finalizing (recorded in the operations log)")
    .option("--reason <text>", "why (recorded in the operations log)")
    .action((variable: string, opts: { stack: string; operator: string; reason?: string }) =>
      finalize(ctx, variable, opts),
    );
}
