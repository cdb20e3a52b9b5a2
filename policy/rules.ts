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
 * themselves are the tables in `./policies.ts` (resources) and `./accessPolicies.ts` /
 * `./valuePolicies.ts` (the ownership matrix of `./matrix.ts`, IAM, values, identities), over the
 * readers of `./inputs.ts`, `./subjects.ts` and `./context.ts`. They import only the matrix, pure
 * model helpers and the SDK's wire constants: the policy host type-checks the pack with ts-node at
 * every start, so its import graph stays small. They never import the catalog: the catalog is what
 * they judge (DESIGN.md D9).
 */
import { stackFacts, StackFacts } from "./context";
import { POLICIES } from "./policies";

export { POLICIES } from "./policies";
export { stackFacts } from "./context";
export type { StackFacts, StackIdentity } from "./context";
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

/** A catalog row as the offline gate read it from the revision under review (never a value but plain defaults). */
export interface CatalogRow {
  name: string;
  kind: string;
  consumers: string[];
  /** Per-consumer restrictions (`{ci: "tests-only"}`). */
  usage?: Record<string, string>;
  /** A plain variable's default, and the local-development value, when the catalog gives them. */
  default?: string;
  localValue?: string;
}

/** What only the offline gate knows: it ran the program itself (cli/review/record.ts). */
export interface OfflineFacts {
  /**
   * Every value that reaches Secret Manager (`secretData`) or a platform's secrets: whether it came
   * from a random resource, encrypted config or a credential derived from one of them.
   */
  provenance: { resource: string; type: string; field: string; fromSecretSource: boolean }[];
  /** Secret values found in a plain (not secret-marked) input or stack output. */
  leaks: { resource: string; type: string; field: string }[];
  /** The catalog of the revision, or why it could not be read. */
  catalog: CatalogRow[] | { problem: string };
  /** Entries of the revision's `.env.example` (what `env:local` gives the API and worker locally). */
  localEnv: { file: string; line: number; variable: string; value: string }[];
}

/** What the rules know about the stack besides its resources. */
export interface RuleContext {
  /** Stack name: `staging` or `production`. */
  stack: string;
  /** False when another stack of the same GCP project owns the audit config (`manageAuditConfig: false`). */
  managesAuditConfig: boolean;
  /** The stack's config as the rules read it: project, identities, targets, kms, emergency grants. */
  facts: StackFacts;
  /** Emails of the accounts that deploy the stack, when the caller knows them (the pack, from the deploy's credentials). */
  deployers: string[];
  /** Platform deliveries as rows, when the caller has them (plans of older revisions). */
  deliveries?: DeliveryRow[];
  /** What only the offline gate knows (absent in the pack). */
  offline?: OfflineFacts;
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
  /** The guide line (or DESIGN.md decision) the policy enforces. */
  guide: string;
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
  /** The line of the guide (docs/guide.md, verbatim) or the DESIGN.md decision it enforces. */
  guide: string;
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
            guide: p.guide,
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
          guide: p.guide,
        });
      }
    }
  }
  return out;
}

/** A violation's message with the guide line it breaks, unless the message already quotes one. */
export const withGuide = (v: { message: string; guide: string }): string =>
  /guide: "/.test(v.message) ? v.message : `${v.message} (guide: "${v.guide}")`;

/** The stack name inside a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`). */
export const stackOfUrn = (urn: string): string | undefined =>
  /^urn:pulumi:([^:]+)::/.exec(urn)?.[1];

/**
 * The rule context from a stack's config as the engine hands it to a policy pack (`PULUMI_CONFIG`:
 * `"<namespace>:<key>"` -> string, objects as JSON). The offline gate calls it with the same config.
 */
export function contextFromConfig(
  stack: string,
  config: Record<string, string | undefined>,
  deployers: string[] = [],
): RuleContext {
  return {
    stack,
    managesAuditConfig: config["pegasus-secrets:manageAuditConfig"] !== "false",
    facts: stackFacts(stack, config),
    deployers,
  };
}
