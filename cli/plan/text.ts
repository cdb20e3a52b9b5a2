/**
 * The plan's readable summary, and what the `plan` command prints: first what stands between this
 * stack and a real `pulumi up` (./before.ts), then what the stack declares, section by section, and
 * last a short summary. Lines wrap to the terminal's width; colour only on a terminal.
 */
import type { Model } from "../../model";
import { CliContext, output } from "../shared/context";
import { terminalWidth, useColour } from "../shared/terminal";
import { beforeUp, markPlaceholders, summary } from "./before";
import { evaluate, REDACTED } from "./engine";
import { blank, heading, Line, line, render, table } from "./layout";
import { Plan, PlanContext, planJson } from "./plan";

/** The deliveries section: per platform and consumer, where and which names. */
function deliveriesLines(p: Plan): Line[] {
  const rows = p.deliveries;
  if (rows.length === 0) {
    return [
      line("  none: this stack has no `targets` (Render, Fly.io, Railway; docs/platforms.md)"),
    ];
  }
  const groups = new Map<string, Plan["deliveries"]>();
  for (const r of rows) {
    const k = `${r.target}\u0000${r.consumer}\u0000${r.destination}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const out: Line[] = [];
  for (const group of groups.values()) {
    const { target, consumer, destination } = group[0];
    const names = (kind: string) =>
      group
        .filter((r) => r.kind === kind)
        .map((r) => r.variable)
        .join(", ") || "(none)";
    out.push({ text: markPlaceholders(p, `  ${target} / ${consumer}: ${destination}`), hang: 6 });
    out.push({ text: `    secrets (${REDACTED}): ${names("secret")}`, hang: 6 });
    out.push({ text: `    plain: ${names("plain")}`, hang: 6 });
  }
  return out;
}

/** Who is told, what the alerts watch, emergency grants and encryption keys. */
function signalsLines(p: Plan): Line[] {
  const g = p.signals;
  const told = [...g.emails, ...g.channels];
  const lines: Line[] = [
    line(`  notified: ${told.length ? told.join(", ") : "nobody (no `notifications` configured)"}`),
    line(
      `  rotation due: subscription ${g.rotationDue.subscription} (${g.rotationDue.filter}) on the rotation topic`,
    ),
    // The log filter runs to a page: `plan --json` has it (signals.unexpectedAccess[].filter).
    ...g.unexpectedAccess.map((m) =>
      line(
        `  unexpected secret access: metric ${m.metric} (its log filter: plan --json, signals.unexpectedAccess)`,
      ),
    ),
    ...p.emergencyGrants.map((e) =>
      line(
        `  emergency access: ${e.member} may read ${e.secretId} until ${e.expiresAt} (incident ${e.incident})${e.expired ? " EXPIRED" : ""}`,
        e.expired ? "attention" : undefined,
      ),
    ),
  ];
  const keys = Object.entries(p.kms.keys);
  lines.push(
    line(
      keys.length
        ? `  encryption: customer-managed keys ${keys.map(([l, k]) => `${l} -> ${k}`).join(", ")}${p.kms.required ? " (required)" : ""}`
        : "  encryption: Google-managed (no `kms` keys)",
    ),
  );
  return lines;
}

/** Each runtime identity's grants: who reads which secrets (members that are not one, flagged). */
function accessLines(p: Plan): Line[] {
  const byMember = new Map<string, Plan["access"]>();
  for (const a of p.access) byMember.set(a.member, [...(byMember.get(a.member) ?? []), a]);
  if (byMember.size === 0) return [line("  (none)")];
  return [...byMember.entries()].flatMap(([member, rows]) => [
    line(
      `  ${rows[0].consumer}: ${member}`,
      rows[0].consumer.startsWith("(") ? "attention" : undefined,
    ),
    { text: `    reads ${rows.map((r) => r.secretId).join(", ")}`, hang: 10 },
  ]);
}

/** The secrets, one row each; the rotation period once in the heading when every secret shares it. */
function secretsLines(p: Plan): Line[] {
  const periods = new Set(p.secrets.map((s) => s.rotationDays));
  const one = periods.size === 1 ? [...periods][0] : undefined;
  const keeper = (s: Plan["secrets"][number]) =>
    [
      s.previousKeeper ? `${s.keeper} (previous ${s.previousKeeper} still valid)` : s.keeper,
      s.phase,
      ...(one === undefined ? [`every ${s.rotationDays}d`] : []),
    ].join(", ");
  return [
    heading(`Secrets (Secret Manager)${one ? `, each rotated every ${one} days` : ""}`),
    ...table(
      p.secrets.map((s) => [
        s.secretId,
        `${s.variable} -> ${s.consumers.join(", ")}`,
        s.source,
        keeper(s),
      ]),
      ["SECRET ID", "VARIABLE -> READ BY", "SOURCE", "KEEPER, PHASE"],
    ),
  ];
}

/** The plan's lines; `verbose` adds the resources counted by type. */
function planLines(p: Plan, verbose: boolean): Line[] {
  const out: Line[] = [
    line(
      `Offline plan of stack "${p.stack}" (GCP project ${p.gcpProject}): ${p.resources.length} resources, values shown as ${REDACTED}.`,
    ),
  ];
  const before = beforeUp(p);
  if (before.length > 0) out.push(blank, ...before);
  out.push(blank, ...secretsLines(p));
  out.push(blank, heading("Runtime identities"));
  out.push(
    ...table(
      p.identities.map((i) => [i.consumer, i.mode, i.email]),
      ["CONSUMER", "MODE", "EMAIL"],
    ),
  );
  out.push(blank, heading("Access grants (roles/secretmanager.secretAccessor), by identity"));
  out.push(...accessLines(p));
  out.push(blank, heading("Audit logging"));
  out.push(
    ...(p.audit.length === 0
      ? [
          line(
            "  not declared by this stack (manageAuditConfig: false): another stack of this GCP project must own it",
          ),
        ]
      : table(
          p.audit.map((a) => [
            a.service,
            a.logTypes.join(", "),
            a.exemptedMembers.length
              ? `exempted: ${a.exemptedMembers.join(",")}`
              : "no exempted members",
          ]),
        )),
  );
  out.push(blank, heading("Plain config (not secret, never in Secret Manager)"));
  out.push(
    ...table(
      p.plain.map((v) => [v.variable, v.consumers.join(","), markPlaceholders(p, v.value)]),
      ["VARIABLE", "CONSUMERS", "VALUE"],
    ),
  );
  out.push(blank, heading("Rotation keepers"));
  out.push(...table(Object.entries(p.rotationKeepers).map(([k, v]) => [k, v])));
  out.push(blank, heading("External values (encrypted stack config)"));
  out.push(
    ...table(
      p.externalValues.map((e) => [
        e.key,
        e.variable + (e.scope === "shared" ? "" : ` (${e.scope})`),
        e.state === "encrypted" ? "set (encrypted)" : `${e.state}: see "Before a real pulumi up"`,
      ]),
    ),
  );
  out.push(blank, heading("Signals (docs/operations.md)"), ...signalsLines(p));
  out.push(
    blank,
    heading("Platform deliveries (secrets are projections of the Secret Manager values)"),
    ...deliveriesLines(p),
  );
  for (const w of p.warnings)
    out.push(blank, { text: `warning: ${w}`, kind: "attention", hang: 2 });
  if (verbose) {
    const counts = new Map<string, number>();
    for (const r of p.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    out.push(blank, heading("Resources by type"));
    out.push(...table([...counts.entries()].sort().map(([t, n]) => [String(n), t])));
  }
  out.push(blank, ...summary(p));
  return out;
}

/**
 * The readable summary `plan` prints. Unwrapped and uncoloured unless asked: `width` wraps every
 * line to that many columns, `colour` styles headings and what needs acting on.
 */
export function planText(
  p: Plan,
  opts: { width?: number; colour?: boolean; verbose?: boolean } = {},
): string {
  return render(planLines(p, opts.verbose === true), opts);
}

/** `plan`: evaluates one stack offline and prints its plan, as JSON or as the summary. */
export async function showPlan(
  ctx: CliContext,
  opts: {
    stack: string;
    json?: boolean;
    verbose?: boolean;
    /** What the runbook knows about the stack (overdue secrets, where each rotation stands). */
    context?: (model: Model) => PlanContext;
  },
): Promise<void> {
  const ev = await evaluate({ projectDir: ctx.projectDir, stack: opts.stack });
  const plan = planJson(ev, opts.context?.(ev.model));
  output(ctx)(
    opts.json
      ? JSON.stringify(plan, null, 2)
      : planText(plan, {
          verbose: opts.verbose,
          width: terminalWidth(process.stdout),
          colour: useColour(process.stdout),
        }),
  );
}
