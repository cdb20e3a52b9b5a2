/** The plan JSON: its one type, and how an evaluation becomes it. */
import {
  deliveryRows,
  expiredGrants,
  Issue,
  placeholdersOf,
  planDeliveries,
  RotationPhase,
  rotationPhase,
  RotationProgress,
  rotationProgress,
  rotationKeepers,
} from "../../model";
import { Evaluation, PlannedResource, REDACTED } from "./engine";

/** One accessor grant as declared (read from the IAM resources, not from the model). */
export interface AccessRow {
  variable: string;
  secretId: string;
  consumer: string;
  member: string;
}

/** One declared resource in the plan. */
export interface PlanResource {
  type: string;
  name: string;
  /** Logical name of the parent resource, or null at the top. */
  parent: string | null;
  /** Inputs, every secret value `[secret]`. */
  inputs: Record<string, unknown>;
  /** Protection, ignored changes and dependencies; `protect` is present only when true. */
  options: PlannedResource["options"];
}

/** One secret of the model: where it lives, who reads it, its generation. */
export interface PlanSecret {
  variable: string;
  scope: string;
  secretId: string;
  source: string;
  consumers: string[];
  keeper: string;
  previousKeeper: string | null;
  rotationDays: number;
  /** Where its rotation stands in this stack: a previous value live, and whether it can go. */
  phase: RotationPhase;
  value: typeof REDACTED;
}

/** One runtime identity: created by the stack or referenced by email. */
export interface PlanIdentity {
  consumer: string;
  mode: string;
  email: string;
}

/**
 * One variable delivered to a platform (Render, Fly.io, Railway): `value` is `[secret]` for a secret
 * (a projection of the Secret Manager value) and the value for plain config.
 */
export interface PlanDelivery {
  variable: string;
  consumer: string;
  target: string;
  destination: string;
  kind: "secret" | "plain";
  /** The Secret Manager secret it is a projection of, or `plain config`. */
  source: string;
  value: string;
}

/**
 * The offline plan of one stack: what `plan --json` prints, `evidence` reads, and `access-diff` and
 * `policy-check` read back from a plan run in a child process. The one type of that JSON.
 */
export interface Plan {
  stack: string;
  project: string;
  gcpProject: string;
  resources: PlanResource[];
  access: AccessRow[];
  secrets: PlanSecret[];
  identities: PlanIdentity[];
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
  deliveries: PlanDelivery[];
  /** The alerts that reach a person (docs/operations.md): who is told, and what each alert watches. */
  signals: {
    emails: string[];
    channels: string[];
    rotationDue: { subscription: string; filter: string };
    unexpectedAccess: { metric: string; filter: string }[];
  };
  /** Time-boxed break-glass reads, each on one secret, with whether it has expired. */
  emergencyGrants: {
    variable: string;
    secretId: string;
    member: string;
    incident: string;
    expiresAt: string;
    expired: boolean;
  }[];
  /** Customer-managed encryption keys by replica location; empty for Google-managed encryption. */
  kms: { keys: Record<string, string>; required: boolean };
  /** Committed example values a real `pulumi up` refuses, each with the command that replaces it. */
  placeholders: Issue[];
  outputs: Record<string, unknown>;
  /**
   * What the stack should hear about: the model's (no one told in production), expired emergency
   * grants, and production secrets past their rotation period (from the operations log, when asked).
   */
  warnings: string[];
}

/** `T` with the keys `K` optional. */
type Loose<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;

/**
 * A {@link Plan} as another revision printed it: the base of a review may be older than this CLI, and
 * older revisions printed less (no `deliveries` before platform delivery, no resource `options` before
 * the policy judged `protect`). So every section but `stack` may be missing, and within a row the
 * fields added since. The parts the review reads, derived from {@link Plan} so the two cannot drift.
 */
export type RevisionPlan = Pick<Plan, "stack"> &
  Partial<{
    gcpProject: Plan["gcpProject"];
    resources: Loose<PlanResource, "parent" | "options">[];
    access: AccessRow[];
    secrets: Loose<Omit<PlanSecret, "rotationDays" | "value">, "previousKeeper" | "phase">[];
    identities: Loose<PlanIdentity, "mode">[];
    rotationKeepers: Plan["rotationKeepers"];
    deliveries: Loose<Omit<PlanDelivery, "value">, "kind" | "source">[];
  }>;

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

/** What the plan knows beyond the evaluation: the operations log's view, and the clock. */
export interface PlanContext {
  /** Warnings from the runbook (overdue production secrets). */
  warnings?: string[];
  /** Where each variable's rotation stands, from the operations log; default: nothing recorded. */
  progress?: (variable: string) => RotationProgress;
  /** Now, for expired grants. Default: the current time. */
  now?: Date;
}

/** Builds the JSON plan. Every secret value is already `[secret]` in `ev`. */
export function planJson(ev: Evaluation, opts: PlanContext = {}): Plan {
  const { model, files } = ev;
  const progress = opts.progress ?? ((v: string) => rotationProgress([], v));
  const expired = new Set(expiredGrants(model.emergencyGrants, opts.now ?? new Date()));
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
      phase: rotationPhase(s.previousKeeper, progress(s.rotatesWith ?? s.variable)),
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
    signals: {
      emails: model.signals.emails,
      channels: model.signals.channels,
      rotationDue: model.signals.rotationDue,
      unexpectedAccess: model.signals.unexpectedAccess,
    },
    emergencyGrants: model.emergencyGrants.map((g) => ({
      variable: g.variable,
      secretId: g.secretId,
      member: g.member,
      incident: g.incident,
      expiresAt: g.expiresAt,
      expired: expired.has(g),
    })),
    kms: model.config.kms,
    placeholders: placeholdersOf(model.config),
    outputs: ev.outputs,
    warnings: [
      ...model.signals.warnings,
      ...[...expired].map(
        (g) =>
          `the emergency grant of ${g.variable} to ${g.member} (incident ${g.incident}) expired at ${g.expiresAt}; remove it: npx pegasus-secrets revoke-access ${g.variable} --stack ${ev.stack} --incident ${g.incident} --operator <you>`,
      ),
      ...(opts.warnings ?? []),
    ],
  };
}
