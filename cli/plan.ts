import { deliveryRows, DeliveryRow, planDeliveries, rotationKeepers } from "../model";
import { overdueWarnings } from "./ops/status";
import { Evaluation, PlannedResource, REDACTED } from "./evaluate";

/** One accessor grant as declared (read from the IAM resources, not from the model). */
export interface AccessRow {
  variable: string;
  secretId: string;
  consumer: string;
  member: string;
}

/** The plan as `plan --json` prints it. */
export interface PlanJson {
  stack: string;
  project: string;
  gcpProject: string;
  resources: {
    type: string;
    name: string;
    parent: string | null;
    inputs: Record<string, unknown>;
  }[];
  access: AccessRow[];
  secrets: {
    variable: string;
    scope: string;
    secretId: string;
    source: string;
    consumers: string[];
    keeper: string;
    previousKeeper: string | null;
    rotationDays: number;
    value: typeof REDACTED;
  }[];
  identities: { consumer: string; mode: string; email: string }[];
  plain: { variable: string; value: string; consumers: string[] }[];
  audit: { service: string; logTypes: string[]; exemptedMembers: string[] }[];
  rotationKeepers: Record<string, string>;
  externalValues: {
    key: string;
    variable: string;
    scope: string;
    state: string;
    command: string | null;
  }[];
  /**
   * One row per variable delivered to a platform (Render, Fly.io, Railway): `value` is
   * `[secret]` for secrets (a projection of the Secret Manager value) and the value for plain config.
   */
  deliveries: (DeliveryRow & { value: string })[];
  outputs: Record<string, unknown>;
  warnings: string[];
}

const ACCESSOR = "roles/secretmanager.secretAccessor";

/** Reads the access matrix off the declared IAM resources, naming each member's consumer. */
export function accessRows(
  ev: Evaluation,
  resources: PlannedResource[] = ev.resources,
): AccessRow[] {
  const bySecretId = new Map(ev.model.secrets.map((s) => [s.secretId, s.variable]));
  const consumerOf = new Map(ev.model.identities.map((i) => [i.member, i.consumer as string]));
  const rows: AccessRow[] = [];
  for (const r of resources) {
    const role = r.inputs.role;
    if (role !== ACCESSOR) continue;
    const secretId = String(r.inputs.secretId ?? "");
    const members: unknown[] =
      r.type === "gcp:secretmanager/secretIamBinding:SecretIamBinding"
        ? ((r.inputs.members as unknown[]) ?? [])
        : [r.inputs.member];
    for (const m of members) {
      const member = String(m);
      rows.push({
        variable: bySecretId.get(secretId) ?? "(not in catalog)",
        secretId: r.type.startsWith("gcp:projects/")
          ? `(project ${String(r.inputs.project)})`
          : secretId,
        consumer: consumerOf.get(member) ?? "(not a runtime identity)",
        member,
      });
    }
  }
  return rows;
}

/** Builds the JSON plan. Every secret value is already `[secret]` in `ev`. */
export function planJson(ev: Evaluation, opts: { projectDir?: string; now?: Date } = {}): PlanJson {
  const { model, files } = ev;
  const external = new Map(files.external.map((e) => [e.key, e.state]));
  return {
    stack: ev.stack,
    project: "pegasus-secrets",
    gcpProject: model.config.gcpProject,
    resources: ev.resources.map(({ type, name, parent, inputs, options }) => ({
      type,
      name,
      parent,
      inputs,
      options,
    })),
    access: accessRows(ev),
    secrets: model.secrets.map((s) => ({
      variable: s.variable,
      scope: s.scope,
      secretId: s.secretId,
      source: s.source.kind,
      consumers: s.consumers,
      keeper: s.keeper,
      previousKeeper: s.previousKeeper ?? null,
      rotationDays: s.rotationDays,
      value: REDACTED,
    })),
    identities: model.identities.map((i) => ({
      consumer: i.consumer,
      mode: i.mode,
      email: i.email,
    })),
    plain: model.plain,
    audit: ev.resources
      .filter((r) => r.type === "gcp:projects/iAMAuditConfig:IAMAuditConfig")
      .map((r) => ({
        service: String(r.inputs.service),
        logTypes: ((r.inputs.auditLogConfigs as { logType: string }[]) ?? []).map((c) => c.logType),
        exemptedMembers: (
          (r.inputs.auditLogConfigs as { exemptedMembers?: string[] }[]) ?? []
        ).flatMap((c) => c.exemptedMembers ?? []),
      })),
    rotationKeepers: rotationKeepers(model),
    externalValues: model.externalKeys.map((k) => {
      const state = external.get(k.key) ?? "unset";
      return {
        key: k.key,
        variable: k.variable,
        scope: k.scope,
        state,
        command:
          state === "encrypted" ? null : `pulumi config set --secret ${k.key} --stack ${ev.stack}`,
      };
    }),
    deliveries: planDeliveries(model).flatMap((d) => {
      const plain = new Map(d.plain.map((v) => [v.key, v.value]));
      return deliveryRows([d]).map((r) => ({
        ...r,
        value: r.kind === "secret" ? REDACTED : (plain.get(r.variable) ?? ""),
      }));
    }),
    outputs: ev.outputs,
    // Production secrets past their rotation period (guide, baseline rule 5), from the operations log.
    warnings: opts.projectDir
      ? overdueWarnings(opts.projectDir, model, opts.now ?? new Date())
      : [],
  };
}

/** The deliveries section of the summary: per platform and consumer, where and which names. */
function deliveriesText(rows: PlanJson["deliveries"]): string {
  if (rows.length === 0) {
    return "  none: this stack has no `targets` (Render, Fly.io, Railway; docs/platforms.md)";
  }
  const groups = new Map<string, PlanJson["deliveries"]>();
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

/** The readable summary `plan` prints by default. */
export function planText(p: PlanJson): string {
  const out: string[] = [];
  const counts = new Map<string, number>();
  for (const r of p.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  out.push(
    `Offline plan of stack "${p.stack}" (GCP project ${p.gcpProject}): ${p.resources.length} resources, values shown as ${REDACTED}.`,
  );
  out.push("", "Secrets (Secret Manager)");
  out.push(
    table([
      ["VARIABLE", "SCOPE", "SECRET ID", "SOURCE", "CONSUMERS", "KEEPER", "ROTATION"],
      ...p.secrets.map((s) => [
        s.variable,
        s.scope,
        s.secretId,
        s.source,
        s.consumers.join(","),
        s.previousKeeper ? `${s.keeper} (previous ${s.previousKeeper} still valid)` : s.keeper,
        `${s.rotationDays}d`,
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
  out.push("", "Platform deliveries (secrets are projections of the Secret Manager values)");
  out.push(deliveriesText(p.deliveries));
  for (const w of p.warnings) out.push("", `warning: ${w}`);
  out.push("", "Resources by type");
  out.push(table([...counts.entries()].sort().map(([t, n]) => [String(n), t])));
  return out.join("\n");
}
