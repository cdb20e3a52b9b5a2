/**
 * What the rules read from a declared resource: type tokens, the roles that reach a secret's payload,
 * grants in any IAM shape, unknowns at preview, durations, and who a delivery goes to. Pure functions
 * over `{type, name, inputs}`, for the table in `./policies.ts`.
 */
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { MATRIX_SECRETS } from "./matrix";
import type { RuleResource } from "./rules";

/** The engine's stand-in for a value not known until apply time (a preview of a new resource). */
export const UNKNOWN = unknownValue;

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

export const SECRETS = new Set<string>([TYPES.secret, TYPES.regionalSecret]);
export const VERSIONS = new Set<string>([TYPES.version, TYPES.regionalVersion]);

/** IAM resources on one secret. */
export const SECRET_IAM = /^gcp:secretmanager\/(regionalSecret|secret)Iam(Binding|Member|Policy):/;
/** IAM resources on a whole project, folder or organization: every secret in it. */
export const BROAD_IAM = /^gcp:(projects|folder|organizations)\/iAM(Binding|Member|Policy):/;
/** Any IAM binding, member or policy resource of any provider (`gcp:projects/iAMMember:IAMMember` too). */
export const ANY_IAM = /(Iam|IAM|iAM)(Binding|Member|Policy):/;

/** Roles that can read a secret's payload (`secretmanager.versions.access`). */
export const PAYLOAD_ROLES = [
  "roles/secretmanager.secretAccessor",
  "roles/secretmanager.admin",
  "roles/owner",
];

/** Members that are people or the public: never allowed anywhere near a secret (D4). */
export const HUMAN_OR_PUBLIC =
  /^(deleted:)?(user|group|domain):|^allUsers$|^allAuthenticatedUsers$/;

/** The guide's cap (baseline rule 5), in seconds. */
export const MAX_ROTATION_SECONDS = 90 * 86400;

/** The Data Access log types D5 requires for Secret Manager. */
export const REQUIRED_AUDIT_LOG_TYPES = ["DATA_READ", "DATA_WRITE", "ADMIN_READ"];

/** The matrix's secret variables: none of them may reach `mobile`. */
export const SECRET_VARIABLES: ReadonlySet<string> = MATRIX_SECRETS;

// ------------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------------

export const isUnknown = (v: unknown): boolean => v === UNKNOWN;

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
export function routesToMobile(r: RuleResource): boolean {
  if (r.type.startsWith("pulumi-nodejs:dynamic") && MOBILE.test(r.name)) return true;
  for (const f of RECEIVER_FIELDS) {
    const v = r.inputs[f];
    const values = Array.isArray(v) ? v : [v];
    if (values.some((x) => typeof x === "string" && MOBILE.test(x))) return true;
  }
  return false;
}

/** Variables a resource would deliver as secrets: its `secrets` map's keys, and catalog secrets named anywhere. */
export function deliveredSecretNames(r: RuleResource): string[] {
  const names = stringsIn(r.inputs).filter((s) => SECRET_VARIABLES.has(s));
  const secrets = r.inputs.secrets;
  if (secrets && typeof secrets === "object" && !Array.isArray(secrets))
    names.push(...Object.keys(secrets));
  return [...new Set(names)].sort();
}

/** The catalog variable of a delivered name (`JWT_SECRET_PREVIOUS` carries `JWT_SECRET`). */
export const catalogVariableOf = (name: string): string => name.replace(/_PREVIOUS$/, "");
