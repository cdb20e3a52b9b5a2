import { Command } from "commander";
import { CliContext } from "../shared/context";
import { stackOption } from "../shared/stacks";

/** The feature behind the command, loaded only when the command runs. */
function planModule(): typeof import("../plan") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: `--help` and the other commands never load it
  return require("../plan");
}
/** Its second module, loaded the same way. */
function statusModule(): typeof import("../runbook/status") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: `--help` and the other commands never load it
  return require("../runbook/status");
}

/** `plan`: the offline plan of one stack, the project's main job (DESIGN.md D7). */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("plan")
    .description(
      "Run the real program offline under Pulumi's runtime mocks and show what a stack declares (values redacted).",
    )
    .addOption(stackOption(ctx, "stack to plan: staging or production").makeOptionMandatory())
    .option("--json", "print one JSON object instead of the summary")
    .option("--verbose", "also count the declared resources by type")
    .action((opts: { stack: string; json?: boolean; verbose?: boolean }) =>
      planModule().showPlan(ctx, {
        ...opts,
        context: (model) => statusModule().planContext(ctx.projectDir, model),
      }),
    );
}
