import { Command } from "commander";
import type { RotateOptions } from "../runbook/rotate";
import { CliContext } from "../shared/context";
import { stackOption } from "../shared/stacks";

/** The feature behind the command, loaded only when the command runs. */
function rotateModule(): typeof import("../runbook/rotate") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: `--help` and the other commands never load it
  return require("../runbook/rotate");
}

/** `rotate <VARIABLE>`: the rotation runbook's first step, one secret in one stack. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("rotate")
    .description(
      "Rotate one secret in one stack: bump its keeper, record it in the operations log, print the next steps.",
    )
    .argument("<VARIABLE>", "the secret to rotate, e.g. JWT_SECRET")
    .addOption(stackOption(ctx, "staging first, then production").makeOptionMandatory())
    .requiredOption("--operator <who>", "who is rotating (recorded in the operations log)")
    .option("--reason <text>", "why (recorded in the operations log)")
    .option(
      "--break-glass",
      "confirmed leak: skip the staging-first order and the deploy freeze (needs --incident)",
    )
    .option("--incident <id>", "incident ID, with --break-glass")
    .action((variable: string, opts: RotateOptions) => rotateModule().rotate(ctx, variable, opts));
}
