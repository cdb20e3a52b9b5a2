/** The plan's readable summary, and what the `plan` command prints. */
import type { Model } from "../../model";
import { CliContext, output } from "../shared/context";
import { evaluate, REDACTED } from "./engine";
import { Plan, PlanContext, planJson } from "./plan";

/** The deliveries section of the summary: per platform and consumer, where and which names. */
function deliveriesText(rows: Plan["deliveries"]): string {
  if (rows.length === 0) {
    return "  none: this stack has no `targets` (Render, Fly.io, Railway; docs/platforms.md)";
  }
  const groups = new Map<string, Plan["deliveries"]>();
  for (const r of rows) {
    const k = `${r.target}\u0000${r.consumer}\u0000${r.destination}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const out: string[] = [];
  for (const group of groups.values()) {
    const { target, consumer, destination } = group[0];
    const names = (kind: string) =>
      group
        .filter((r) => r.kind === kind)
        .map((r) => r.variable)
        .join(", ") || "(none)";
    out.push(`  ${target} / ${consumer}: ${destination}`);
    out.push(`    secrets (${REDACTED}): ${names("secret")}`);
    out.push(`    plain: ${names("plain")}`);
  }
  return out.join("\n");
}

const table = (rows: string[][]): string => {
  if (rows.length === 0) return "  (none)";
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows
    .map(
      (r) =>
        "  " +
        r
          .map((c, i) => c.padEnd(widths[i]))
          .join("  ")
          .trimEnd(),
    )
    .join("\n");
};

/** Who is told, what the alerts watch, emergency grants and encryption keys. */
function signalsText(p: Plan): string {
  const g = p.signals;
  const told = [...g.emails, ...g.channels];
  const lines = [
    `  notified: ${told.length ? told.join(", ") : "nobody (no `notifications` configured)"}`,
    `  rotation due: subscription ${g.rotationDue.subscription} (${g.rotationDue.filter}) on the rotation topic`,
    ...g.unexpectedAccess.map(
      (m) => `  unexpected secret access: metric ${m.metric}, filter:\n    ${m.filter}`,
    ),
    ...p.emergencyGrants.map(
      (e) =>
        `  emergency access: ${e.member} may read ${e.secretId} until ${e.expiresAt} (incident ${e.incident})${e.expired ? " EXPIRED" : ""}`,
    ),
  ];
  const keys = Object.entries(p.kms.keys);
  lines.push(
    keys.length
      ? `  encryption: customer-managed keys ${keys.map(([l, k]) => `${l} -> ${k}`).join(", ")}${p.kms.required ? " (required)" : ""}`
      : "  encryption: Google-managed (no `kms` keys)",
  );
  return lines.join("\n");
}

/** The readable summary `plan` prints by default. */
export function planText(p: Plan): string {
  const out: string[] = [];
  const counts = new Map<string, number>();
  for (const r of p.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  out.push(
    `Offline plan of stack "${p.stack}" (GCP project ${p.gcpProject}): ${p.resources.length} resources, values shown as ${REDACTED}.`,
  );
  out.push("", "Secrets (Secret Manager)");
  out.push(
    table([
      ["VARIABLE", "SCOPE", "SECRET ID", "SOURCE", "CONSUMERS", "KEEPER", "ROTATION", "PHASE"],
      ...p.secrets.map((s) => [
        s.variable,
        s.scope,
        s.secretId,
        s.source,
        s.consumers.join(","),
        s.previousKeeper ? `${s.keeper} (previous ${s.previousKeeper} still valid)` : s.keeper,
        `${s.rotationDays}d`,
        s.phase,
      ]),
    ]),
  );
  out.push("", "Runtime identities");
  out.push(
    table([
      ["CONSUMER", "MODE", "EMAIL"],
      ...p.identities.map((i) => [i.consumer, i.mode, i.email]),
    ]),
  );
  out.push("", "Access grants (roles/secretmanager.secretAccessor)");
  out.push(
    table([
      ["VARIABLE", "SECRET ID", "CONSUMER", "MEMBER"],
      ...p.access.map((a) => [a.variable, a.secretId, a.consumer, a.member]),
    ]),
  );
  out.push("", "Audit logging");
  out.push(
    p.audit.length === 0
      ? "  not declared by this stack (manageAuditConfig: false): another stack of this GCP project must own it"
      : table(
          p.audit.map((a) => [
            a.service,
            a.logTypes.join(", "),
            a.exemptedMembers.length
              ? `exempted: ${a.exemptedMembers.join(",")}`
              : "no exempted members",
          ]),
        ),
  );
  out.push("", "Plain config (not secret, never in Secret Manager)");
  out.push(
    table([
      ["VARIABLE", "VALUE", "CONSUMERS"],
      ...p.plain.map((v) => [v.variable, v.value, v.consumers.join(",")]),
    ]),
  );
  out.push("", "Rotation keepers");
  out.push(table(Object.entries(p.rotationKeepers).map(([k, v]) => [k, v])));
  const pending = p.externalValues.filter((e) => e.state !== "encrypted");
  out.push("", "External values (encrypted stack config)");
  out.push(
    table(
      p.externalValues.map((e) => [
        e.key,
        e.variable + (e.scope === "shared" ? "" : ` (${e.scope})`),
        e.state === "encrypted" ? "set (encrypted)" : `${e.state}: ${e.command}`,
      ]),
    ),
  );
  if (pending.length > 0) {
    out.push(
      "",
      `${pending.length} external value(s) are not set: \`pulumi up\` refuses to run until each is set with the command shown.`,
    );
  }
  out.push("", "Signals (docs/operations.md)");
  out.push(signalsText(p));
  out.push("", "Platform deliveries (secrets are projections of the Secret Manager values)");
  out.push(deliveriesText(p.deliveries));
  for (const w of p.warnings) out.push("", `warning: ${w}`);
  out.push("", "Resources by type");
  out.push(table([...counts.entries()].sort().map(([t, n]) => [String(n), t])));
  return out.join("\n");
}

/** `plan`: evaluates one stack offline and prints its plan, as JSON or as the summary. */
export async function showPlan(
  ctx: CliContext,
  opts: {
    stack: string;
    json?: boolean;
    /** What the runbook knows about the stack (overdue secrets, where each rotation stands). */
    context?: (model: Model) => PlanContext;
  },
): Promise<void> {
  const ev = await evaluate({ projectDir: ctx.projectDir, stack: opts.stack });
  const plan = planJson(ev, opts.context?.(ev.model));
  output(ctx)(opts.json ? JSON.stringify(plan, null, 2) : planText(plan));
}
