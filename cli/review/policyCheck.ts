import { checkStack, DeliveryRow, POLICIES, RuleContext, Violation } from "../../policy/rules";
import { limited, PlanOutcome, readStackConfig, RevisionPlan, runPlan } from "../plan";
import { CliContext, output } from "../shared/context";
import { stacksIn } from "../shared/stacks";

/** The policy result of one stack, offline. */
export interface StackPolicyResult {
  stack: string;
  /** False when the program did not evaluate: that alone fails the check. */
  evaluated: boolean;
  /** Why it did not evaluate (the program's own error: a refused catalog or config names the fix). */
  reason?: string;
  violations: Violation[];
  /** Number of policies run. */
  policies: number;
}

/**
 * Runs the pack's rules (policy/rules.ts) on an offline plan. The plan knows every identity, created
 * or referenced, and every delivery; `managesAuditConfig` comes from the stack file, because a stack
 * that leaves the audit config to another stack simply declares none.
 */
export function planViolations(plan: RevisionPlan, managesAuditConfig: boolean): Violation[] {
  const ctx: RuleContext = {
    stack: plan.stack,
    referencedIdentities: (plan.identities ?? []).map((i) => i.email),
    managesAuditConfig,
    deliveries: plan.deliveries as DeliveryRow[] | undefined,
  };
  // A plan that records resource options knows `protect` (absent means false); an older one does not.
  const resources = (plan.resources ?? []).map((r) => ({
    type: r.type,
    name: r.name,
    inputs: r.inputs ?? {},
    protect: r.options ? r.options.protect === true : undefined,
  }));
  return checkStack(resources, ctx);
}

/** The policy result of one stack from the outcome of its plan. An absent stack has nothing to check. */
export function policyResult(
  stack: string,
  outcome: PlanOutcome,
  managesAuditConfig: boolean,
): StackPolicyResult {
  if (outcome.status === "failed") {
    return {
      stack,
      evaluated: false,
      reason: outcome.reason,
      violations: [],
      policies: POLICIES.length,
    };
  }
  if (outcome.status === "absent") {
    return { stack, evaluated: true, violations: [], policies: 0 };
  }
  return {
    stack,
    evaluated: true,
    violations: planViolations(outcome.plan, managesAuditConfig),
    policies: POLICIES.length,
  };
}

/** True when the stack passes: it evaluates and breaks no mandatory policy. */
export const passes = (r: StackPolicyResult): boolean =>
  r.evaluated && !r.violations.some((v) => v.enforcementLevel === "mandatory");

/** Human-readable result, one block per stack. */
export function policyText(results: StackPolicyResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    if (!r.evaluated) {
      out.push(
        `Stack "${r.stack}": FAILED, the program does not evaluate, so no policy could run:`,
      );
      out.push(...(r.reason ?? "").split("\n").map((l) => `  ${l}`));
      continue;
    }
    if (r.policies === 0) {
      out.push(`Stack "${r.stack}": no stack file, nothing to check.`);
      continue;
    }
    if (r.violations.length === 0) {
      out.push(`Stack "${r.stack}": passes all ${r.policies} policies.`);
      continue;
    }
    out.push(
      `Stack "${r.stack}": ${passes(r) ? "passes, with advisories" : "FAILED"} (${r.violations.length} violation(s)):`,
    );
    for (const v of r.violations) {
      const where = v.resource ? ` on ${v.resource} (${v.type})` : "";
      out.push(`  - [${v.enforcementLevel}] ${v.policy}${where}: ${v.message}`);
    }
  }
  return out.join("\n");
}

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

/** `policy-check`: prints each stack's result (text or JSON) and fails unless every stack passes. */
export async function showPolicyCheck(
  ctx: CliContext,
  opts: { stack?: string[]; json?: boolean },
): Promise<void> {
  const stacks = opts.stack ?? stacksIn(ctx.projectDir);
  if (stacks.length === 0)
    throw new Error(`No Pulumi.<stack>.yaml in ${ctx.projectDir}: nothing to check.`);
  const results = await policyCheck(ctx.projectDir, stacks);
  const passed = results.every(passes);
  output(ctx)(
    opts.json ? JSON.stringify({ passed, stacks: results }, null, 2) : policyText(results),
  );
  if (!passed) {
    throw new Error(
      `policy check failed for ${results
        .filter((r) => !passes(r))
        .map((r) => `"${r.stack}"`)
        .join(", ")} (see above).`,
    );
  }
}
