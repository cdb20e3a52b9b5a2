/**
 * The access diff a reviewer reads on every pull request: for each stack, who gains or loses read
 * access to which secret (accessor grants and platform deliveries), which secrets appear or go, which
 * rotate, and whether the change breaks the policy. Both sides are offline plans (DESIGN.md D7), so it
 * needs no credentials and runs on fork PRs. Only names, identities and keepers appear; never a value.
 */
import { Violation } from "../../policy/rules";
import { checkoutRevision, limited, PlanOutcome, RevisionPlan, runPlan } from "../plan";
import { stacksIn, unknownStack } from "../shared/stacks";
import {
  managesAuditConfig,
  passes,
  planViolations,
  policyResult,
  StackPolicyResult,
} from "./policyCheck";

export type Grant = NonNullable<RevisionPlan["access"]>[number];
export type Delivery = NonNullable<RevisionPlan["deliveries"]>[number];
export type SecretRow = NonNullable<RevisionPlan["secrets"]>[number];

/** A keeper change: a new value for the variable (DESIGN.md D2). */
export interface Rotation {
  variable: string;
  from: string;
  to: string;
}

/** An overlap window opened (previous value kept valid) or closed (previous value revoked). */
export interface OverlapChange {
  variable: string;
  secretId: string;
  change: "opened" | "closed";
  previousKeeper: string;
}

/** Side of a comparison and how its evaluation went. */
export interface SideStatus {
  status: PlanOutcome["status"];
  reason?: string;
}

/** The diff of one stack. */
export interface StackDiff {
  stack: string;
  base: SideStatus;
  head: SideStatus;
  /** True when both sides evaluated (or one is absent), so added/removed are a real diff. */
  compared: boolean;
  grants: { added: Grant[]; removed: Grant[] };
  /** Null when neither side's plan has deliveries (an older plan, or no platform configured). */
  deliveries: { added: Delivery[]; removed: Delivery[] } | null;
  secrets: { added: SecretRow[]; removed: SecretRow[] };
  rotations: Rotation[];
  overlaps: OverlapChange[];
  policy: StackPolicyResult;
  /** Keys (`policy|resource|message`) of head violations that the base has too. */
  preexisting: string[];
}

/** The whole report. */
export interface AccessDiffReport {
  base: { ref: string; commit: string };
  stacks: StackDiff[];
  /** False when a stack's head does not evaluate or breaks a mandatory policy. */
  passed: boolean;
}

const grantKey = (g: Grant) => `${g.variable}|${g.secretId}|${g.consumer}|${g.member}`;
const deliveryKey = (d: Delivery) => `${d.variable}|${d.consumer}|${d.target}|${d.destination}`;
export const violationKey = (v: Violation) => `${v.policy}|${v.resource ?? ""}|${v.message}`;

/** Rows of `head` not in `base`, and of `base` not in `head`, by key; order of each side kept. */
function setDiff<T>(base: T[], head: T[], key: (t: T) => string): { added: T[]; removed: T[] } {
  const b = new Set(base.map(key));
  const h = new Set(head.map(key));
  return { added: head.filter((x) => !b.has(key(x))), removed: base.filter((x) => !h.has(key(x))) };
}

const planOf = (o: PlanOutcome): RevisionPlan | null => (o.status === "ok" ? o.plan : null);
const status = (o: PlanOutcome): SideStatus =>
  o.status === "failed" ? { status: o.status, reason: o.reason } : { status: o.status };

/**
 * Compares two outcomes of one stack. An absent side counts as empty (a new or removed stack); a
 * failed base leaves nothing to compare, so the head's grants are listed as they are; a failed head
 * fails the check with its error.
 */
export function diffStack(
  stack: string,
  base: PlanOutcome,
  head: PlanOutcome,
  policy: StackPolicyResult,
  baseManagesAudit = true,
): StackDiff {
  const empty: RevisionPlan = { stack };
  const b = base.status === "absent" ? empty : planOf(base);
  const h = head.status === "absent" ? empty : planOf(head);
  const compared = b !== null && h !== null;
  const left = b ?? empty;
  const right = h ?? empty;

  const grants = setDiff(left.access ?? [], right.access ?? [], grantKey);
  const deliveries =
    left.deliveries === undefined && right.deliveries === undefined
      ? null
      : setDiff(left.deliveries ?? [], right.deliveries ?? [], deliveryKey);
  const secrets = setDiff(left.secrets ?? [], right.secrets ?? [], (s) => s.secretId);

  const rotations: Rotation[] = [];
  const overlaps: OverlapChange[] = [];
  if (compared) {
    for (const [variable, to] of Object.entries(right.rotationKeepers ?? {})) {
      const from = left.rotationKeepers?.[variable];
      if (from !== undefined && from !== to) rotations.push({ variable, from, to });
    }
    const before = new Map((left.secrets ?? []).map((s) => [s.secretId, s]));
    for (const s of right.secrets ?? []) {
      const old = before.get(s.secretId);
      if (!old) continue;
      const was = old.previousKeeper ?? null;
      const now = s.previousKeeper ?? null;
      if (was === now) continue;
      if (now !== null)
        overlaps.push({
          variable: s.variable,
          secretId: s.secretId,
          change: "opened",
          previousKeeper: now,
        });
      else if (was !== null)
        overlaps.push({
          variable: s.variable,
          secretId: s.secretId,
          change: "closed",
          previousKeeper: was,
        });
    }
  }

  const baseKeys =
    b && base.status === "ok"
      ? new Set(planViolations(b, baseManagesAudit).map(violationKey))
      : new Set<string>();
  const preexisting = policy.violations.map(violationKey).filter((k) => baseKeys.has(k));
  return {
    stack,
    base: status(base),
    head: status(head),
    compared,
    grants: compared ? grants : { added: right.access ?? [], removed: [] },
    deliveries: compared
      ? deliveries
      : deliveries && { added: right.deliveries ?? [], removed: [] },
    secrets: compared ? secrets : { added: [], removed: [] },
    rotations,
    overlaps,
    policy,
    preexisting,
  };
}

/** True when a stack diff shows any change of access, secrets or rotation. */
export const hasChanges = (d: StackDiff): boolean =>
  d.grants.added.length + d.grants.removed.length > 0 ||
  (d.deliveries?.added.length ?? 0) + (d.deliveries?.removed.length ?? 0) > 0 ||
  d.secrets.added.length + d.secrets.removed.length > 0 ||
  d.rotations.length + d.overlaps.length > 0;

/** Options of {@link accessDiff}. */
export interface AccessDiffOptions {
  /** The working tree: the project folder of the change under review. */
  projectDir: string;
  /** Git ref of the base revision (`origin/main`, a commit). */
  base: string;
  /** Stacks to compare; default every `Pulumi.<stack>.yaml` on either side. */
  stacks?: string[];
}

/**
 * Evaluates every stack at the base revision and in the working tree, each in its own process with
 * that revision's own code, and compares them. The base is written to a temporary folder with
 * `git archive` and removed afterwards, whatever happens. A stack named in `stacks` must exist on
 * one side at least (a stack file added or removed by the change is compared with nothing).
 */
export async function accessDiff(opts: AccessDiffOptions): Promise<AccessDiffReport> {
  const base = await checkoutRevision(opts.projectDir, opts.base);
  try {
    const known = stacksIn(opts.projectDir, base.projectDir);
    for (const s of opts.stacks ?? []) {
      if (!known.includes(s)) throw unknownStack(s, known);
    }
    const stacks = opts.stacks ?? known;
    if (stacks.length === 0) {
      throw new Error(
        `No Pulumi.<stack>.yaml in ${opts.projectDir} or at ${opts.base}: nothing to compare.`,
      );
    }
    const tasks: (() => Promise<PlanOutcome>)[] = [];
    for (const s of stacks) {
      tasks.push(
        () => runPlan(base.projectDir, s),
        () => runPlan(opts.projectDir, s),
      );
    }
    const outcomes = await limited(tasks);
    const diffs = stacks.map((s, i) => {
      const [b, h] = [outcomes[2 * i], outcomes[2 * i + 1]];
      const policy = policyResult(s, h, managesAuditConfig(opts.projectDir, s));
      return diffStack(s, b, h, policy, managesAuditConfig(base.projectDir, s));
    });
    return {
      base: { ref: opts.base, commit: base.commit },
      stacks: diffs,
      passed: diffs.every((d) => passes(d.policy)),
    };
  } finally {
    base.remove();
  }
}
