import { Command } from "commander";
import { CliContext, print } from "../shared/context";
import { limited, readStackConfig, runPlan } from "../plan";
import { passes, policyResult, policyText, StackPolicyResult } from "../policyCheck";
import { stacksIn } from "../shared/stacks";

/** Whether the stack file leaves the audit config to another stack (`manageAuditConfig: false`). */
export function managesAuditConfig(projectDir: string, stack: string): boolean {
  try {
    return (
      readStackConfig(projectDir, stack).values["pegasus-secrets:manageAuditConfig"] !== "false"
    );
  } catch {
    // No readable stack file: the plan reports that itself; assume the stricter rule.
    return true;
  }
}

/** Evaluates each stack offline (its own process, like `plan`) and runs the policy pack's rules on it. */
export async function policyCheck(
  projectDir: string,
  stacks: string[],
): Promise<StackPolicyResult[]> {
  const outcomes = await limited(stacks.map((s) => () => runPlan(projectDir, s)));
  return stacks.map((s, i) => policyResult(s, outcomes[i], managesAuditConfig(projectDir, s)));
}

/** `policy-check`: the policy pack's rules on the offline plan, with no credentials (fork PRs). */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("policy-check")
    .description(
      "Evaluate each stack offline and run the policy pack's rules on it (the same rules `pulumi preview --policy-pack policy` runs). Exits 1 on a mandatory violation or a stack that does not evaluate.",
    )
    .option("-s, --stack <name...>", "stacks to check (default: every Pulumi.<stack>.yaml)")
    .option("--json", "print one JSON object")
    .action(async (opts: { stack?: string[]; json?: boolean }) => {
      const stacks = opts.stack ?? stacksIn(ctx.projectDir);
      if (stacks.length === 0)
        throw new Error(`No Pulumi.<stack>.yaml in ${ctx.projectDir}: nothing to check.`);
      const results = await policyCheck(ctx.projectDir, stacks);
      const passed = results.every(passes);
      print(opts.json ? JSON.stringify({ passed, stacks: results }, null, 2) : policyText(results));
      if (!passed) {
        throw new Error(
          `policy check failed for ${results
            .filter((r) => !passes(r))
            .map((r) => `"${r.stack}"`)
            .join(", ")} (see above).`,
        );
      }
    });
}
