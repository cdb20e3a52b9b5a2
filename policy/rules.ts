/**
 * The policy, written once: pure functions over declared resources (`{type, name, inputs}`) and the
 * stack name. Two callers run them:
 *  - the `@pulumi/policy` pack in this folder (`pulumi preview|up --policy-pack policy`), on the real
 *    resource properties the engine sends;
 *  - `pegasus-secrets policy-check` and `access-diff`, on the offline plan, so a pull request is
 *    checked without credentials (fork PRs have none).
 *
 * Each rule is the secrets-management guide or a DESIGN.md decision in code; its description says
 * which. Messages name resources, types and members, never a value: the pack receives secret inputs
 * in plain text, so nothing here ever prints an input it did not choose to.
 *
 * This file imports only the catalog (pure data) and the SDK's wire constants: the policy host
 * type-checks the pack with ts-node at every start, so its import graph stays small (the SDK's types
 * are in it already, through @pulumi/policy).
 */
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { CATALOG } from "../catalog";

/** The engine's stand-in for a value not known until apply time (a preview of a new resource). */
export const UNKNOWN = unknownValue;

/** One declared resource, as either caller sees it. */
export interface RuleResource {
  /** Pulumi type token, e.g. `gcp:secretmanager/secret:Secret`. */
  type: string;
  /** Logical name. */
  name: string;
  /** URN, when the caller has one (the pack); the offline plan has none. */
  urn?: string;
  /** Inputs (the offline plan shows secrets as `[secret]`; the pack sees real values). */
  inputs: Record<string, unknown>;
  /** The `protect` resource option, when the caller knows it (the pack and `plan --json` do; a plan from an older revision may not). */
  protect?: boolean;
}

/** A variable delivered to a platform destination (the offline plan's `deliveries` rows). */
export interface DeliveryRow {
  /** Environment variable name as the service sees it (`JWT_SECRET`, `JWT_SECRET_PREVIOUS`). */
  variable: string;
  consumer: string;
  target?: string;
  destination?: string;
  /** `secret` or `plain`, when the plan says. */
  kind?: string;
}

/** What the rules know about the stack besides its resources. */
export interface RuleContext {
  /** Stack name: `staging` or `production`. */
  stack: string;
  /**
   * Emails of runtime identities this stack uses but does not create (referenced by email in stack
   * config). Accounts the stack creates are read from its `Account` resources.
   */
  referencedIdentities: string[];
  /** False when another stack of the same GCP project owns the audit config (`manageAuditConfig: false`). */
  managesAuditConfig: boolean;
  /** Platform deliveries, when the caller has them (the offline plan). */
  deliveries?: DeliveryRow[];
}

/** One broken rule. */
export interface Violation {
  /** Policy name, e.g. `no-project-level-secret-access`. */
  policy: string;
  enforcementLevel: "mandatory" | "advisory";
  /** Logical name and type of the offending resource; absent for a stack-wide finding. */
  resource?: string;
  type?: string;
  urn?: string;
  message: string;
}

/** A stack-wide finding: the message and, when one resource is to blame, that resource. */
export interface StackFinding {
  resource?: RuleResource;
  message: string;
}

/** One policy. Exactly one of `resource` and `stack` is set. */
export interface PolicyRule {
  name: string;
  description: string;
  enforcementLevel: "mandatory" | "advisory";
  /** Checks one resource on its own; returns one message per problem. */
  resource?: (r: RuleResource, ctx: RuleContext) => string[];
  /** Checks what only the whole stack shows (which identities exist, whether audit logging exists). */
  stack?: (rs: RuleResource[], ctx: RuleContext) => StackFinding[];
}

// ------------------------------------------------------------------------------------------------
// Type tokens and roles
// ------------------------------------------------------------------------------------------------

export const TYPES = {
  secret: "gcp:secretmanager/secret:Secret",
  regionalSecret: "gcp:secretmanager/regionalSecret:RegionalSecret",
  version: "gcp:secretmanager/secretVersion:SecretVersion",
  regionalVersion: "gcp:secretmanager/regionalSecretVersion:RegionalSecretVersion",
  auditConfig: "gcp:projects/iAMAuditConfig:IAMAuditConfig",
  account: "gcp:serviceaccount/account:Account",
  randomPassword: "random:index/randomPassword:RandomPassword",
  dynamic: "pulumi-nodejs:dynamic:Resource",
} as const;

const SECRETS = new Set<string>([TYPES.secret, TYPES.regionalSecret]);
const VERSIONS = new Set<string>([TYPES.version, TYPES.regionalVersion]);

/** IAM resources on one secret. */
const SECRET_IAM = /^gcp:secretmanager\/(regionalSecret|secret)Iam(Binding|Member|Policy):/;
/** IAM resources on a whole project, folder or organization: every secret in it. */
const BROAD_IAM = /^gcp:(projects|folder|organizations)\/iAM(Binding|Member|Policy):/;
/** Any IAM binding, member or policy resource of any provider. */
const ANY_IAM = /(Iam|IAM)(Binding|Member|Policy):/;

/** Roles that can read a secret's payload (`secretmanager.versions.access`). */
export const PAYLOAD_ROLES = [
  "roles/secretmanager.secretAccessor",
  "roles/secretmanager.admin",
  "roles/owner",
];

/** Members that are people or the public: never allowed anywhere near a secret (D4). */
const HUMAN_OR_PUBLIC = /^(deleted:)?(user|group|domain):|^allUsers$|^allAuthenticatedUsers$/;

/** The guide's cap (baseline rule 5), in seconds. */
export const MAX_ROTATION_SECONDS = 90 * 86400;

/** The Data Access log types D5 requires for Secret Manager. */
export const REQUIRED_AUDIT_LOG_TYPES = ["DATA_READ", "DATA_WRITE", "ADMIN_READ"];

/** Catalog variables that are secrets: none of them may reach `mobile`. */
export const SECRET_VARIABLES: ReadonlySet<string> = new Set(
  CATALOG.filter((e) => e.kind === "secret").map((e) => e.name),
);

// ------------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------------

const isUnknown = (v: unknown): boolean => v === UNKNOWN;

/** True when `v` or anything inside it is unknown (preview of a value computed at apply time). */
export function containsUnknown(v: unknown): boolean {
  if (isUnknown(v)) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}

/** One role and its members, from any shape of IAM resource. `members` may hold UNKNOWN. */
interface Grant {
  role: unknown;
  members: unknown[];
}

/**
 * Reads the grants of an IAM resource: `members` (Binding), `member` (Member), or the JSON
 * `policyData` of an IAM policy. Returns null when the grants are not known yet.
 */
export function grantsOf(r: RuleResource): Grant[] | null {
  const i = r.inputs;
  if (/Policy:/.test(r.type)) {
    if (typeof i.policyData !== "string" || containsUnknown(i.policyData)) return null;
    try {
      const policy = JSON.parse(i.policyData) as {
        bindings?: { role?: string; members?: string[] }[];
      };
      return (policy.bindings ?? []).map((b) => ({ role: b.role, members: b.members ?? [] }));
    } catch {
      return [];
    }
  }
  if (isUnknown(i.members) || isUnknown(i.member)) return null;
  const members = Array.isArray(i.members) ? i.members : i.member !== undefined ? [i.member] : [];
  return [{ role: i.role, members }];
}

/** Email of a created service account: the known `email`, else `<accountId>@<project>.iam...`. */
function accountEmail(r: RuleResource): string | undefined {
  const { email, accountId, project } = r.inputs;
  if (typeof email === "string" && !isUnknown(email)) return email;
  if (
    typeof accountId === "string" &&
    typeof project === "string" &&
    !containsUnknown([accountId, project])
  ) {
    return `${accountId}@${project}.iam.gserviceaccount.com`;
  }
  return undefined;
}

/** Parses a protobuf Duration string (`"7776000s"`, `"86400.5s"`) into seconds; NaN if malformed. */
export function durationSeconds(v: unknown): number {
  if (typeof v !== "string") return NaN;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(v);
  return m ? Number(m[1]) : NaN;
}

/** Every string key and string value inside `v`, for finding catalog variable names in inputs. */
function stringsIn(v: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 8) return out;
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => stringsIn(x, out, depth + 1));
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      stringsIn(x, out, depth + 1);
    }
  }
  return out;
}

/**
 * Input fields that name who receives a delivery. The platform components
 * (`pulumi-nodejs:dynamic/pegasus:*`) take the destination as `name` (Render env group), `app` (Fly)
 * or `serviceId` (Railway); a consumer field covers anything else that routes values.
 */
const RECEIVER_FIELDS = [
  "consumer",
  "consumers",
  "target",
  "targets",
  "name",
  "app",
  "appName",
  "service",
  "serviceId",
  "serviceName",
  "audience",
];

const MOBILE = /(^|[^a-z])mobile([^a-z]|$)/i;

/** True when a delivery resource's logical name or receiver fields name `mobile`. */
function routesToMobile(r: RuleResource): boolean {
  if (r.type.startsWith("pulumi-nodejs:dynamic") && MOBILE.test(r.name)) return true;
  for (const f of RECEIVER_FIELDS) {
    const v = r.inputs[f];
    const values = Array.isArray(v) ? v : [v];
    if (values.some((x) => typeof x === "string" && MOBILE.test(x))) return true;
  }
  return false;
}

/** Variables a resource would deliver as secrets: its `secrets` map's keys, and catalog secrets named anywhere. */
function deliveredSecretNames(r: RuleResource): string[] {
  const names = stringsIn(r.inputs).filter((s) => SECRET_VARIABLES.has(s));
  const secrets = r.inputs.secrets;
  if (secrets && typeof secrets === "object" && !Array.isArray(secrets))
    names.push(...Object.keys(secrets));
  return [...new Set(names)].sort();
}

/** The catalog variable of a delivered name (`JWT_SECRET_PREVIOUS` carries `JWT_SECRET`). */
const catalogVariableOf = (name: string): string => name.replace(/_PREVIOUS$/, "");

// ------------------------------------------------------------------------------------------------
// The policies
// ------------------------------------------------------------------------------------------------

/** Every policy of the pack, in the order the PR comment lists them. */
export const POLICIES: PolicyRule[] = [
  {
    name: "accessor-members-are-runtime-identities",
    description:
      "Only the stack's runtime identities may read a secret: every member of a secret-level grant that can read the payload is a service account the stack creates or references (DESIGN.md D4; guide: restrict secret accessor roles to deploy/runtime identities only).",
    enforcementLevel: "mandatory",
    stack: (rs, ctx) => {
      const identities = new Set(ctx.referencedIdentities);
      for (const r of rs) {
        if (r.type !== TYPES.account) continue;
        const email = accountEmail(r);
        if (email) identities.add(email);
      }
      const findings: StackFinding[] = [];
      for (const r of rs) {
        if (!SECRET_IAM.test(r.type)) continue;
        for (const g of grantsOf(r) ?? []) {
          if (typeof g.role !== "string" || !PAYLOAD_ROLES.includes(g.role)) continue;
          for (const m of g.members) {
            if (isUnknown(m) || typeof m !== "string") continue;
            const email = m.startsWith("serviceAccount:")
              ? m.slice("serviceAccount:".length)
              : null;
            if (email === null || !identities.has(email)) {
              findings.push({
                resource: r,
                message: `${r.name} grants ${g.role} to ${m}, which is not a runtime identity of stack "${ctx.stack}" (known: ${[...identities].sort().join(", ") || "none"}). Grant secrets only through the catalog's consumers.`,
              });
            }
          }
        }
      }
      return findings;
    },
  },
  {
    name: "no-project-level-secret-access",
    description:
      "No grant of a role that reads secret payloads on a whole project, folder or organization: it would expose every secret in it (DESIGN.md D4). Grant per secret instead.",
    enforcementLevel: "mandatory",
    resource: (r) => {
      if (!BROAD_IAM.test(r.type)) return [];
      const level = r.type.split(":")[1].split("/")[0].replace(/s$/, "");
      return (grantsOf(r) ?? [])
        .filter((g) => typeof g.role === "string" && PAYLOAD_ROLES.includes(g.role))
        .map(
          (g) =>
            `${r.name} grants ${String(g.role)} at ${level} level, so its members could read every secret there. Grant roles/secretmanager.secretAccessor on each secret (ManagedSecret \`accessors\`) instead.`,
        );
    },
  },
  {
    name: "no-human-or-public-members",
    description:
      "No `user:`, `group:`, `domain:`, `allUsers` or `allAuthenticatedUsers` member in any IAM grant this stack declares: people and the public never hold secret access (DESIGN.md D4).",
    enforcementLevel: "mandatory",
    resource: (r) => {
      if (!ANY_IAM.test(r.type)) return [];
      const out: string[] = [];
      for (const g of grantsOf(r) ?? []) {
        for (const m of g.members) {
          if (typeof m === "string" && HUMAN_OR_PUBLIC.test(m)) {
            out.push(
              `${r.name} grants ${String(g.role ?? "a role")} to ${m}. Only service accounts (runtime identities) may be members; people use break-glass access outside this stack.`,
            );
          }
        }
      }
      return out;
    },
  },
  {
    name: "secret-access-audit-logging",
    description:
      "Secret Manager Data Access audit logs are on (DATA_READ, which records AccessSecretVersion, plus DATA_WRITE and ADMIN_READ) with no exempted members (guide: enable audit logging for secret access; DESIGN.md D5).",
    enforcementLevel: "mandatory",
    resource: (r) => {
      if (r.type !== TYPES.auditConfig) return [];
      const service = r.inputs.service;
      if (service !== "secretmanager.googleapis.com" && service !== "allServices") return [];
      const configs = r.inputs.auditLogConfigs;
      if (isUnknown(configs)) return [];
      if (!Array.isArray(configs)) {
        return [
          `${r.name} has no \`auditLogConfigs\`: Data Access logs for ${String(service)} are off. Declare DATA_READ, DATA_WRITE and ADMIN_READ (SecretAuditLogging).`,
        ];
      }
      const out: string[] = [];
      const types = configs.map((c) => (c as { logType?: unknown })?.logType);
      const missing = REQUIRED_AUDIT_LOG_TYPES.filter((t) => !types.includes(t));
      if (missing.length > 0) {
        out.push(
          `${r.name} does not log ${missing.join(", ")} for ${String(service)}${missing.includes("DATA_READ") ? " (without DATA_READ, reading a secret value leaves no record)" : ""}. Add the missing log types (SecretAuditLogging).`,
        );
      }
      for (const c of configs as { logType?: unknown; exemptedMembers?: unknown }[]) {
        if (Array.isArray(c?.exemptedMembers) && c.exemptedMembers.length > 0) {
          out.push(
            `${r.name} exempts ${c.exemptedMembers.length} member(s) from ${String(c.logType)} logging; their secret reads would go unrecorded. Remove \`exemptedMembers\`.`,
          );
        }
      }
      return out;
    },
    stack: (rs, ctx) => {
      if (!ctx.managesAuditConfig) return [];
      if (!rs.some((r) => SECRETS.has(r.type))) return [];
      const covered = rs.some(
        (r) =>
          r.type === TYPES.auditConfig &&
          (r.inputs.service === "secretmanager.googleapis.com" ||
            r.inputs.service === "allServices"),
      );
      return covered
        ? []
        : [
            {
              message: `Stack "${ctx.stack}" declares secrets but no Data Access audit config for secretmanager.googleapis.com, so secret reads are not logged. Keep SecretAuditLogging in the stack, or set \`manageAuditConfig: false\` only if another stack of the same GCP project declares it.`,
            },
          ];
    },
  },
  {
    name: "generated-values-from-random-password",
    description:
      "Generated values come only from random.RandomPassword, whose result is secret in state; RandomString, RandomId and the other random resources store their result in plain text (DESIGN.md D1).",
    enforcementLevel: "mandatory",
    resource: (r) =>
      r.type.startsWith("random:") && r.type !== TYPES.randomPassword
        ? [
            `${r.name} is a ${r.type.split(":").pop()}, whose result is stored in plain text in the state. Use random.RandomPassword (GeneratedSecret) for any generated value.`,
          ]
        : [],
  },
  {
    name: "secret-versions-never-deleted",
    description:
      "Replacing a secret version disables it instead of deleting it (`deletionPolicy: DISABLE`), and destroyed versions stay recoverable for a while (`versionDestroyTtl`) (DESIGN.md D3).",
    enforcementLevel: "mandatory",
    resource: (r) => {
      if (VERSIONS.has(r.type)) {
        const p = r.inputs.deletionPolicy;
        if (isUnknown(p) || p === "DISABLE") return [];
        return [
          p === undefined
            ? `${r.name} has no \`deletionPolicy\`, so the provider default (DELETE) destroys the old value on replacement. Set \`deletionPolicy: "DISABLE"\`.`
            : `${r.name} has \`deletionPolicy: "${String(p)}"\`; the old value must be disabled, not deleted or abandoned. Set \`deletionPolicy: "DISABLE"\`.`,
        ];
      }
      if (SECRETS.has(r.type)) {
        const ttl = r.inputs.versionDestroyTtl;
        if (isUnknown(ttl)) return [];
        if (ttl === undefined) {
          return [
            `${r.name} has no \`versionDestroyTtl\`, so a destroyed version is gone at once. Set a delayed destruction (\`versionDestroyTtlDays\` in stack config).`,
          ];
        }
        if (!(durationSeconds(ttl) > 0)) {
          return [
            `${r.name} has \`versionDestroyTtl\` "${String(ttl)}", which is not a positive duration such as "604800s".`,
          ];
        }
      }
      return [];
    },
  },
  {
    name: "production-secrets-protected",
    description:
      "In the production stack every secret has GCP deletion protection and the Pulumi `protect` option (DESIGN.md D3).",
    enforcementLevel: "mandatory",
    resource: (r, ctx) => {
      if (ctx.stack !== "production" || !SECRETS.has(r.type)) return [];
      const out: string[] = [];
      const dp = r.inputs.deletionProtection;
      if (!isUnknown(dp) && dp !== true) {
        out.push(
          `${r.name} is a production secret without \`deletionProtection: true\`${dp === undefined ? " (not set)" : ""}. Production secrets are protected from deletion: remove any \`deletionProtection: false\` from Pulumi.production.yaml.`,
        );
      }
      if (r.protect === false) {
        out.push(
          `${r.name} is a production secret without the \`protect\` resource option. ManagedSecret sets it from \`deletionProtection\`.`,
        );
      }
      return out;
    },
  },
  {
    name: "rotation-at-most-90-days",
    description:
      "Every secret has a rotation schedule of at most 90 days that notifies a Pub/Sub topic (guide baseline rule 5: rotate high-impact secrets at least every 90 days).",
    enforcementLevel: "mandatory",
    resource: (r) => {
      if (!SECRETS.has(r.type)) return [];
      const rotation = r.inputs.rotation as { rotationPeriod?: unknown } | undefined;
      if (isUnknown(rotation)) return [];
      if (!rotation || typeof rotation !== "object" || rotation.rotationPeriod === undefined) {
        return [
          `${r.name} has no rotation period. Set \`rotation.rotationPeriod\` to at most "${MAX_ROTATION_SECONDS}s" (the catalog's \`rotationDays\`, at most 90).`,
        ];
      }
      if (isUnknown(rotation.rotationPeriod)) return [];
      const seconds = durationSeconds(rotation.rotationPeriod);
      const out: string[] = [];
      if (!(seconds > 0)) {
        out.push(
          `${r.name} has rotation period "${String(rotation.rotationPeriod)}", which is not a duration such as "7776000s".`,
        );
      } else if (seconds > MAX_ROTATION_SECONDS) {
        out.push(
          `${r.name} rotates every ${Math.round(seconds / 86400)} days; the guide allows at most 90. Lower the catalog's \`rotationDays\`.`,
        );
      }
      const topics = r.inputs.topics;
      if (!isUnknown(topics) && (!Array.isArray(topics) || topics.length === 0)) {
        out.push(
          `${r.name} has a rotation period but no \`topics\`: nobody is told when rotation is due. Add the rotation topic.`,
        );
      }
      return out;
    },
  },
  {
    name: "nothing-secret-to-mobile",
    description:
      "No catalog secret is delivered to `mobile`: mobile bundles are public (guide baseline rule 1, matrix column Mobile ❌).",
    enforcementLevel: "mandatory",
    resource: (r) => {
      if (SECRETS.has(r.type)) {
        const labels = (r.inputs.labels ?? {}) as Record<string, unknown>;
        const annotations = (r.inputs.annotations ?? {}) as Record<string, unknown>;
        const consumers = String(annotations["pegasus.dev/consumers"] ?? "").split(",");
        if (labels["consumer-mobile"] !== undefined || consumers.includes("mobile")) {
          return [
            `${r.name} is labelled for consumer mobile. Secrets never go to mobile: remove \`mobile\` from the catalog entry's consumers.`,
          ];
        }
        return [];
      }
      if (!routesToMobile(r)) return [];
      const names = deliveredSecretNames(r);
      return names.length === 0
        ? []
        : [
            `${r.name} delivers ${names.join(", ")} to mobile. Secrets never go to mobile: remove \`mobile\` from the catalog entry's consumers.`,
          ];
    },
    stack: (_rs, ctx) =>
      (ctx.deliveries ?? [])
        .filter(
          (d) =>
            d.consumer === "mobile" &&
            (d.kind === "secret" || SECRET_VARIABLES.has(catalogVariableOf(d.variable))),
        )
        .map((d) => ({
          message: `${d.variable} is delivered to mobile${d.target ? ` on ${d.target}` : ""}${d.destination ? ` (${d.destination})` : ""}. Secrets never go to mobile.`,
        })),
  },
];

/** Runs every policy over one stack's resources; the offline check's entry point. */
export function checkStack(resources: RuleResource[], ctx: RuleContext): Violation[] {
  const out: Violation[] = [];
  for (const p of POLICIES) {
    if (p.resource) {
      for (const r of resources) {
        for (const message of p.resource(r, ctx)) {
          out.push({
            policy: p.name,
            enforcementLevel: p.enforcementLevel,
            resource: r.name,
            type: r.type,
            urn: r.urn,
            message,
          });
        }
      }
    }
    if (p.stack) {
      for (const f of p.stack(resources, ctx)) {
        out.push({
          policy: p.name,
          enforcementLevel: p.enforcementLevel,
          resource: f.resource?.name,
          type: f.resource?.type,
          urn: f.resource?.urn,
          message: f.message,
        });
      }
    }
  }
  return out;
}

/** The stack name inside a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`). */
export const stackOfUrn = (urn: string): string | undefined =>
  /^urn:pulumi:([^:]+)::/.exec(urn)?.[1];

/**
 * The rule context from a stack's config as the engine hands it to a policy pack (`PULUMI_CONFIG`:
 * `"<namespace>:<key>"` -> string, objects as JSON). Reads only which identities are referenced by
 * email and whether this stack owns the audit config; never a secret value.
 */
export function contextFromConfig(
  stack: string,
  config: Record<string, string | undefined>,
): RuleContext {
  const referencedIdentities: string[] = [];
  const raw = config["pegasus-secrets:identities"];
  if (raw) {
    try {
      const ids = JSON.parse(raw) as Record<string, { email?: unknown } | null>;
      for (const id of Object.values(ids ?? {})) {
        if (id && typeof id.email === "string") referencedIdentities.push(id.email);
      }
    } catch {
      // Malformed identities fail the program itself with a clear error; nothing to add here.
    }
  }
  return {
    stack,
    referencedIdentities,
    managesAuditConfig: config["pegasus-secrets:manageAuditConfig"] !== "false",
  };
}
