import { Command } from "commander";
import { evaluate } from "../evaluate";
import { planJson, planText } from "../plan";
import { CliContext, print } from "../shared/context";

/** `plan`: the offline plan of one stack, the project's main job (DESIGN.md D7). */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("plan")
    .description(
      "Run the real program offline under Pulumi's runtime mocks and show what a stack declares (values redacted).",
    )
    .requiredOption("-s, --stack <name>", "stack to plan: staging or production")
    .option("--json", "print one JSON object instead of the summary")
    .action(async (opts: { stack: string; json?: boolean }) => {
      const ev = await evaluate({ projectDir: ctx.projectDir, stack: opts.stack });
      const plan = planJson(ev, { projectDir: ctx.projectDir });
      print(opts.json ? JSON.stringify(plan, null, 2) : planText(plan));
    });
}
