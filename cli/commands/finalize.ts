import { Command } from "commander";
import type { FinalizeOptions } from "../runbook/finalize";
import { CliContext } from "../shared/context";
import { stackOption } from "../shared/stacks";

/** The feature behind the command, loaded only when the command runs. */
function finalizeModule(): typeof import("../runbook/finalize") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: `--help` and the other commands never load it
  return require("../runbook/finalize");
}

/** `finalize <VARIABLE>`: revokes the previous value once production has verified the rotation. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("finalize")
    .description(
      "End a rotation in one stack: revoke the previous value (only after production verified the rotation).",
    )
    .argument("<VARIABLE>", "the rotated secret, e.g. DATABASE_URL")
    .addOption(stackOption(ctx, "stack whose previous value to revoke").makeOptionMandatory())
    .requiredOption("--operator <who>", "who is finalizing (recorded in the operations log)")
    .option("--reason <text>", "why (recorded in the operations log)")
    .option(
      "--revoked-at-issuer",
      "an external value: confirm the old one was revoked at its issuer (recorded)",
    )
    .action((variable: string, opts: FinalizeOptions) =>
      finalizeModule().finalize(ctx, variable, opts),
    );
}
