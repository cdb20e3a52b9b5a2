import { Command } from "commander";
import type { SealOptions } from "../runbook/seal";
import { CliContext } from "../shared/context";
import { stackOption } from "../shared/stacks";

/** The feature behind the command, loaded only when the command runs. */
function sealModule(): typeof import("../runbook/seal") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: `--help` and the other commands never load it
  return require("../runbook/seal");
}

/** `seal <VARIABLE>`: store a new external value sealed with the stack's Cloud KMS key. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("seal")
    .description(
      "Store a new external value (an API key, a URL) sealed with the stack's Cloud KMS key: you need encrypt rights only, and only the deploy identity can read it. The value is read without echo, or from standard input.",
    )
    .argument("<VARIABLE>", "the external secret, e.g. OPENAI_API_KEY")
    .addOption(stackOption(ctx, "stack whose value it is").makeOptionMandatory())
    .requiredOption("--operator <who>", "who sealed it (recorded in the operations log)")
    .option("--consumer <consumer>", "which consumer's value, for a variable with one per consumer")
    .option("--reason <text>", "why (recorded)")
    .action((variable: string, opts: SealOptions) => sealModule().seal(ctx, variable, opts));
}
