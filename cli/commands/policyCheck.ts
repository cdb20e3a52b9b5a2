import { Command } from "commander";
import { showPolicyCheck } from "../review/policyCheck";
import { CliContext } from "../shared/context";
import { stackOption } from "../shared/stacks";

/** `policy-check`: the policy pack's rules on the offline plan, with no credentials (fork PRs). */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("policy-check")
    .description(
      "Evaluate each stack offline and run the policy pack's rules on it (the same rules `pulumi preview --policy-pack policy` runs). Exits 1 on a mandatory violation or a stack that does not evaluate.",
    )
    .addOption(
      stackOption(ctx, "stacks to check (default: every Pulumi.<stack>.yaml)", { variadic: true }),
    )
    .option("--json", "print one JSON object")
    .action((opts: { stack?: string[]; json?: boolean }) => showPolicyCheck(ctx, opts));
}
