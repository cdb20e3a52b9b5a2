import { Command } from "commander";
import type { GrantAccessOptions } from "../runbook/emergencyAccess";
import { CliContext } from "../shared/context";
import { stackOption } from "../shared/stacks";

/** The feature behind the command, loaded only when the command runs. */
function emergencyAccessModule(): typeof import("../runbook/emergencyAccess") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: `--help` and the other commands never load it
  return require("../runbook/emergencyAccess");
}

/** `grant-access` and `revoke-access`: time-boxed emergency reads of one secret (docs/operations.md). */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("grant-access")
    .description(
      "Let one person read one secret during an incident, for at most 24 hours (a conditional IAM binding that expires by itself).",
    )
    .argument("<VARIABLE>", "the secret, e.g. DATABASE_URL")
    .addOption(stackOption(ctx, "stack of the secret").makeOptionMandatory())
    .requiredOption("--member <user:email>", "the one person: user:<email>")
    .requiredOption("--incident <id>", "the incident it is for (its ID names the grant)")
    .requiredOption("--for <duration>", "how long: 2h, 90m, 1h30m (at most 24h)")
    .requiredOption("--operator <who>", "who grants it (recorded in the operations log)")
    .option("--consumer <consumer>", "which consumer's value, for a variable with one per consumer")
    .option("--reason <text>", "why (recorded)")
    .action((variable: string, opts: GrantAccessOptions) =>
      emergencyAccessModule().grantAccess(ctx, variable, opts),
    );
  program
    .command("revoke-access")
    .description(
      "Remove an incident's emergency access to a secret (lift-freeze removes all of an incident's).",
    )
    .argument("<VARIABLE>", "the secret")
    .addOption(stackOption(ctx, "stack of the secret").makeOptionMandatory())
    .requiredOption("--incident <id>", "the incident the grant was for")
    .requiredOption("--operator <who>", "who revokes it (recorded)")
    .option("--member <user:email>", "only this person's grant")
    .option("--reason <text>", "why (recorded)")
    .action(
      (
        variable: string,
        opts: {
          stack: string;
          incident: string;
          operator: string;
          member?: string;
          reason?: string;
        },
      ) => emergencyAccessModule().revokeAccess(ctx, variable, opts),
    );
}
