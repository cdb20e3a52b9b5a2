import { checkStack, contextFromConfig, POLICIES, Violation, withGuide } from "../../policy/rules";
import { CliContext, output } from "../shared/context";
import { stacksIn } from "../shared/stacks";
import { requireFolder } from "./folders";
import type { RecordedPlan, RecordOutcome } from "./record";
import { runRecorder } from "./recorderProcess";

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
 * Runs this CLI's rules (policy/) on a recorded plan, with the context the pack would build from
 * the same stack config, plus what only the recorder knows (where values came from, the catalog,
 * the local env).
 */
export function recordedViolations(plan: RecordedPlan): Violation[] {
  const ctx = { ...contextFromConfig(plan.stack, plan.config), offline: plan.offline };
  const resources = plan.resources.map((r) => ({
    type: r.type,
    name: r.name,
    inputs: r.inputs,
    protect: r.protect,
  }));
  return checkStack(resources, ctx);
}

/** The policy result of one stack from the outcome of its recording. An absent stack has nothing to check. */
export function policyResult(stack: string, outcome: RecordOutcome): StackPolicyResult {
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
    violations: recordedViolations(outcome.plan),
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
      out.push(`  - [${v.enforcementLevel}] ${v.policy}${where}: ${withGuide(v)}`);
    }
  }
  return out.join("\n");
}

/**
 * Records each stack of the project in `projectDir` (its own process, this CLI's recorder) and
 * runs this CLI's rules on it. `projectDir` may be another revision's tree: that is how the base
 * judges a pull request's head.
 */
export async function policyCheck(
  projectDir: string,
  stacks: string[],
): Promise<StackPolicyResult[]> {
  const outcomes = await runRecorder(projectDir, stacks);
  return stacks.map((s) => policyResult(s, outcomes[s]));
}

/** `policy-check`: prints each stack's result (text or JSON) and fails unless every stack passes. */
export async function showPolicyCheck(
  ctx: CliContext,
  opts: { stack?: string[]; json?: boolean; project?: string },
): Promise<void> {
  const projectDir = opts.project ?? ctx.projectDir;
  requireFolder(projectDir, "the project folder to judge (--project)");
  const stacks = opts.stack ?? stacksIn(projectDir);
  if (stacks.length === 0)
    throw new Error(`No Pulumi.<stack>.yaml in ${projectDir}: nothing to check.`);
  const results = await policyCheck(projectDir, stacks);
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
