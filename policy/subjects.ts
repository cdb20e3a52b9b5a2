/**
 * Who and what a resource is about, read from the resource and the stack's config only: the
 * variable a secret holds (from its secret ID, never from labels the program writes), the consumer
 * a member or a platform delivery belongs to, and whether a conditional binding is a valid
 * break-glass grant. What cannot be told is said, so the rules can refuse it (fail closed).
 */
import { kebab } from "../model/naming";
export { SECRET_IAM } from "./inputs";
import type { RecordedEmergencyGrant, StackFacts, StackIdentity } from "./context";
import { MATRIX, MATRIX_CONSUMERS, MatrixRow } from "./matrix";
import type { RuleResource } from "./rules";

/** The one kind of IAM resource a stack may declare on its secrets: an authoritative binding. */
export const SECRET_BINDING = /^gcp:secretmanager\/(regionalSecret|secret)IamBinding:/;
export const ACCESSOR_ROLE = "roles/secretmanager.secretAccessor";

/** The longest a break-glass grant may last, from its recorded time. */
export const MAX_EMERGENCY_MS = 24 * 3_600_000;

/** The variable a secret ID holds, and the consumer whose value it is (`undefined`: shared). */
export interface SecretSubject {
  secretId: string;
  row: MatrixRow;
  scope?: string;
}

/**
 * Reads `<prefix>-<variable>` or `<prefix>-<variable>-<consumer>` (model/model.ts names them so)
 * against the matrix. Undefined for an ID that holds no variable of the matrix.
 */
export function secretSubject(secretId: unknown, facts: StackFacts): SecretSubject | undefined {
  if (typeof secretId !== "string") return undefined;
  // A full resource name (`projects/p/secrets/<id>`) names the same secret.
  const id = secretId.replace(/^projects\/[^/]+\/(locations\/[^/]+\/)?secrets\//, "");
  const head = `${facts.secretIdPrefix}-`;
  if (!id.startsWith(head)) return undefined;
  const rest = id.slice(head.length);
  for (const row of MATRIX) {
    const name = kebab(row.variable);
    if (rest === name) return { secretId: id, row };
    for (const c of MATRIX_CONSUMERS) {
      if (rest === `${name}-${c}`) return { secretId: id, row, scope: c };
    }
  }
  return undefined;
}

/** The secret an IAM resource is on: its `secretId` (or `name`) input. */
export const iamSecretId = (r: RuleResource): unknown => r.inputs.secretId ?? r.inputs.name;

/** The stack identity a member is, if it is one. */
export function identityOf(member: unknown, facts: StackFacts): StackIdentity | undefined {
  if (typeof member !== "string" || !member.startsWith("serviceAccount:")) return undefined;
  const email = member.slice("serviceAccount:".length);
  return facts.identities.find((i) => i.email === email);
}

/** Platform delivery resources (components/platforms/): a dynamic resource with `secrets` or `vars`. */
export const isDelivery = (r: RuleResource): boolean =>
  r.type.startsWith("pulumi-nodejs:dynamic") &&
  (r.inputs.secrets !== undefined || r.inputs.vars !== undefined);

/**
 * The consumer a platform delivery goes to, matched on its destination against the stack's
 * `targets` (Render service IDs, Fly app, Railway service), or why it cannot be told.
 */
export function deliveryConsumer(
  r: RuleResource,
  facts: StackFacts,
): { consumer: string } | { problem: string } {
  const matches = new Set<string>();
  const serviceIds = r.inputs.serviceIds;
  if (Array.isArray(serviceIds) && serviceIds.length > 0) {
    for (const [c, ids] of Object.entries(facts.targets.render)) {
      if (serviceIds.every((s) => ids.includes(String(s)))) matches.add(c);
    }
  }
  if (typeof r.inputs.app === "string") {
    for (const [c, app] of Object.entries(facts.targets.fly)) {
      if (app === r.inputs.app) matches.add(c);
    }
  }
  if (typeof r.inputs.serviceId === "string") {
    for (const [c, id] of Object.entries(facts.targets.railway)) {
      if (id === r.inputs.serviceId) matches.add(c);
    }
  }
  if (matches.size === 1) return { consumer: [...matches][0] };
  return {
    problem:
      matches.size === 0
        ? "its destination is none of the stack's `targets` (Render services, Fly app or Railway service of a consumer), so who receives these values cannot be told"
        : `its destination belongs to several consumers (${[...matches].sort().join(", ")})`,
  };
}

/** The names a delivery delivers as secrets and as plain values. */
export function deliveredNames(r: RuleResource): { secrets: string[]; plain: string[] } {
  const keys = (v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.keys(v) : [];
  return { secrets: keys(r.inputs.secrets), plain: keys(r.inputs.vars) };
}

const condition = (r: RuleResource) =>
  (r.inputs.condition ?? undefined) as
    | { title?: unknown; expression?: unknown; description?: unknown }
    | undefined;

/** True when an IAM resource carries an IAM condition. */
export const isConditional = (r: RuleResource): boolean => {
  const c = condition(r);
  return c !== undefined && c !== null && typeof c === "object";
};

/**
 * Why a conditional binding is not a valid break-glass grant, or undefined when it is: one
 * `user:` member, the accessor role, on one secret, matching a grant recorded in the stack's
 * `emergencyAccess` (same member, incident and secret), titled `break-glass <incident>`, whose
 * condition is `request.time < timestamp("<expiresAt>")` with `expiresAt` after the recorded
 * `grantedAt` and at most 24 h later.
 */
export function emergencyProblem(r: RuleResource, facts: StackFacts): string | undefined {
  const c = condition(r);
  if (!c) return "it has no IAM condition";
  const members = Array.isArray(r.inputs.members) ? r.inputs.members : [r.inputs.member];
  if (members.length !== 1 || typeof members[0] !== "string" || !/^user:/.test(members[0])) {
    return "a break-glass grant has exactly one `user:` member";
  }
  if (r.inputs.role !== ACCESSOR_ROLE) return `a break-glass grant reads only (${ACCESSOR_ROLE})`;
  const subject = secretSubject(iamSecretId(r), facts);
  if (!subject) return "its secret holds no variable of the policy's matrix";
  const title = typeof c.title === "string" ? c.title : "";
  const incident = /^break-glass (\S+)$/.exec(title)?.[1];
  if (!incident) return 'its condition title is not "break-glass <incident>"';
  const recorded: RecordedEmergencyGrant | undefined = facts.emergencyAccess.find(
    (g) =>
      g.incident === incident &&
      g.member === members[0] &&
      g.variable === subject.row.variable &&
      (subject.scope === undefined || g.consumer === subject.scope),
  );
  if (!recorded) {
    return `no grant of ${subject.row.variable} to ${members[0]} for incident ${incident} is recorded in the stack's \`emergencyAccess\` (npx pegasus-secrets grant-access writes it)`;
  }
  const expr = typeof c.expression === "string" ? c.expression : "";
  const until = /^request\.time < timestamp\("([^"]+)"\)$/.exec(expr)?.[1];
  if (!until) return 'its condition is not `request.time < timestamp("<expiry>")`';
  const granted = Date.parse(recorded.grantedAt);
  const expires = Date.parse(until);
  if (!(expires > granted && expires - granted <= MAX_EMERGENCY_MS)) {
    return `it lasts until ${until}, which is not within 24 h after its recorded time ${recorded.grantedAt}`;
  }
  if (until !== recorded.expiresAt) {
    return `it lasts until ${until}, not until the recorded expiry ${recorded.expiresAt}`;
  }
  return undefined;
}
