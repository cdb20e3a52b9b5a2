import { Command } from "commander";
import type { BreakGlassOptions } from "../runbook/breakGlass";
import { CliContext } from "../shared/context";

/** The feature behind the command, loaded only when the command runs. */
function breakGlassModule(): typeof import("../runbook/breakGlass") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: `--help` and the other commands never load it
  return require("../runbook/breakGlass");
}

/** `break-glass <VARIABLE...>`: the guide's break-glass procedure after a confirmed leak. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("break-glass")
    .description(
      "Confirmed leak: freeze deploys, rotate the secrets in every stack at once, print (or --run) the follow-up commands, open the incident record.",
    )
    .argument("<VARIABLE...>", "the exposed secrets, e.g. JWT_SECRET OPENAI_API_KEY")
    .requiredOption("--operator <who>", "who is breaking glass (recorded)")
    .requiredOption("--incident <id>", "incident ID (names operations/incidents/<id>.md)")
    .option("--reason <text>", "what happened, in one line")
    .option("--run", "run the pulumi up, restart and verify commands now instead of printing them")
    .action((variables: string[], opts: BreakGlassOptions) =>
      breakGlassModule().breakGlass(ctx, variables, opts),
    );
}
