import { Command } from "commander";
import { rotate, RotateOptions } from "../runbook/rotate";
import { CliContext } from "../shared/context";
import { stackOption } from "../shared/stacks";

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
    .action((variable: string, opts: RotateOptions) => rotate(ctx, variable, opts));
}
