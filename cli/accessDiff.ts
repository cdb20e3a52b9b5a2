/**
 * The access diff a reviewer reads on every pull request: for each stack, who gains or loses read
 * access to which secret (accessor grants and platform deliveries), which secrets appear or go, which
 * rotate, and whether the change breaks the policy. Both sides are offline plans (DESIGN.md D7), so it
 * needs no credentials and runs on fork PRs. Only names, identities and keepers appear; never a value.
 */
import { POLICIES, Violation } from "../policy/rules";
import { PlanOutcome, RevisionPlan } from "./plan";
import { passes, planViolations, StackPolicyResult } from "./policyCheck";

/** Marks the PR comment so CI updates it instead of adding another. */
export const COMMENT_MARKER = "<!-- pegasus-secrets:access-diff -->";

type Grant = NonNullable<RevisionPlan["access"]>[number];
type Delivery = NonNullable<RevisionPlan["deliveries"]>[number];
type SecretRow = NonNullable<RevisionPlan["secrets"]>[number];

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

// ------------------------------------------------------------------------------------------------
// Markdown
// ------------------------------------------------------------------------------------------------

/** Escapes a table cell: pipes split cells and newlines end rows. */
const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;

function table(headers: string[], rows: string[][]): string[] {
  return [
    `| ${headers.join(" | ")} |`,
    `|${headers.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ];
}

const grantRows = (gs: Grant[]) =>
  gs.map((g) => [code(g.variable), g.consumer, code(g.member), code(g.secretId)]);
const deliveryRows = (ds: Delivery[]) =>
  ds.map((d) => [code(d.variable), d.consumer, d.target, d.destination]);
const secretRows = (ss: SecretRow[]) =>
  ss.map((s) => [code(s.variable), s.scope, code(s.secretId), s.source, s.consumers.join(", ")]);

function stackMarkdown(d: StackDiff): string[] {
  const out: string[] = [`### Stack \`${d.stack}\``, ""];
  if (d.head.status === "failed") {
    out.push(
      "❌ **This change does not evaluate**, so nothing can be deployed and no policy could run:",
      "",
      "```",
      d.head.reason ?? "",
      "```",
      "",
    );
    return out;
  }
  if (d.head.status === "absent")
    out.push("This change removes the stack file: everything below is revoked.", "");
  if (d.base.status === "absent") out.push("New stack: everything below is added.", "");
  if (d.base.status === "failed") {
    out.push(
      "⚠️ **The base could not be evaluated**, so there is nothing to compare with. The grants of this change are listed as they are.",
      "",
      "```",
      d.base.reason ?? "",
      "```",
      "",
    );
  }
  const section = (title: string, lines: string[]) => {
    if (lines.length > 2) out.push(`**${title}**`, "", ...lines, "");
  };
  const grantHeaders = ["Variable", "Consumer", "Identity", "Secret ID"];
  if (d.compared) {
    section(
      "Access granted (roles/secretmanager.secretAccessor)",
      table(grantHeaders, grantRows(d.grants.added)),
    );
    section("Access revoked", table(grantHeaders, grantRows(d.grants.removed)));
  } else {
    section("Access grants of this change", table(grantHeaders, grantRows(d.grants.added)));
  }
  if (d.deliveries) {
    const headers = ["Variable", "Consumer", "Platform", "Destination"];
    section(
      d.compared ? "Delivered to platforms (new)" : "Platform deliveries of this change",
      table(headers, deliveryRows(d.deliveries.added)),
    );
    section("No longer delivered", table(headers, deliveryRows(d.deliveries.removed)));
  }
  const secretHeaders = ["Variable", "Scope", "Secret ID", "Source", "Consumers"];
  section("Secrets added", table(secretHeaders, secretRows(d.secrets.added)));
  section("Secrets removed", table(secretHeaders, secretRows(d.secrets.removed)));
  section(
    "Rotations (new values)",
    table(
      ["Variable", "Keeper"],
      d.rotations.map((r) => [code(r.variable), `${code(r.from)} → ${code(r.to)}`]),
    ),
  );
  section(
    "Overlap windows",
    table(
      ["Variable", "Change"],
      d.overlaps.map((o) => [
        code(o.variable),
        o.change === "opened"
          ? `previous value (${code(o.previousKeeper)}) stays valid until finalize`
          : `previous value (${code(o.previousKeeper)}) revoked`,
      ]),
    ),
  );
  if (d.compared && !hasChanges(d)) out.push("No access changes.", "");

  const p = d.policy;
  if (p.violations.length === 0) {
    out.push(`**Policy:** ✅ passes all ${p.policies} policies.`, "");
  } else {
    const pre = new Set(d.preexisting);
    out.push(
      `**Policy:** ${passes(p) ? "⚠️ passes with advisories" : "❌ fails"} (${p.violations.length} violation(s)):`,
      "",
    );
    out.push(
      ...table(
        ["Policy", "Level", "Resource", "Finding", ""],
        p.violations.map((v) => [
          code(v.policy),
          v.enforcementLevel,
          v.resource ? code(v.resource) : "stack",
          v.message,
          pre.has(violationKey(v)) ? "already on base" : "new",
        ]),
      ),
      "",
    );
  }
  return out;
}

/** The PR comment (and job summary): Markdown, one section per stack, marked for updating in place. */
export function renderMarkdown(report: AccessDiffReport): string {
  const failing = report.stacks.filter((d) => !passes(d.policy)).map((d) => `\`${d.stack}\``);
  const out: string[] = [
    COMMENT_MARKER,
    "## Secrets access diff",
    "",
    `Base \`${report.base.ref}\` (\`${report.base.commit.slice(0, 12)}\`) → this change. Offline plans of each stack (no credentials); values are never shown.`,
    "",
    report.passed
      ? `**Result:** ✅ no mandatory policy violation (${POLICIES.length} policies).`
      : `**Result:** ❌ the check fails for ${failing.join(", ")}.`,
    "",
  ];
  for (const d of report.stacks) out.push(...stackMarkdown(d));
  out.push(
    "<sub>How to read this: docs/review.md. Produced by `npx pegasus-secrets access-diff`; policy rules in policy/rules.ts.</sub>",
  );
  return out.join("\n");
}
