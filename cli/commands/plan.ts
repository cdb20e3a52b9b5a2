import { Command } from "commander";
import { showPlan } from "../plan";
import { planContext } from "../runbook/status";
import { CliContext } from "../shared/context";
import { stackOption } from "../shared/stacks";

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
      showPlan(ctx, { ...opts, context: (model) => planContext(ctx.projectDir, model) }),
    );
}
