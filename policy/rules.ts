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
 * This file holds what both callers use: the shapes, `checkStack` and the pack's context. The rules
 * themselves are the table in `./policies.ts`, over the input readers of `./inputs.ts`. The three
 * import only the catalog (pure data) and the SDK's wire constants: the policy host type-checks the
 * pack with ts-node at every start, so its import graph stays small (the SDK's types are in it
 * already, through @pulumi/policy).
 */
import { POLICIES } from "./policies";

export { POLICIES } from "./policies";
export {
  containsUnknown,
  durationSeconds,
  grantsOf,
  MAX_ROTATION_SECONDS,
  PAYLOAD_ROLES,
  REQUIRED_AUDIT_LOG_TYPES,
  SECRET_VARIABLES,
  TYPES,
  UNKNOWN,
} from "./inputs";
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
