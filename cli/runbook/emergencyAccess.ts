/**
 * Time-boxed emergency access (docs/operations.md): `grant-access` writes one person's read of one
 * secret, for an incident and at most 24 hours, to the stack file and the operations log; the
 * program declares it as a conditional IAM binding that ends at its expiry. `revoke-access` (and
 * `lift-freeze`, for its incident) removes it.
 */
import { EMAIL_RE, MAX_EMERGENCY_HOURS, resolveSecret } from "../../model";
import { checkIncident, checkOperator, checkText, Ops, ops, OpsContext, utc } from "./context";
import { describeFreeze, readFreeze } from "./freezeMarker";
import { GrantAccessEntry, LOG_FILE, readLog, RevokeAccessEntry } from "./log";
import { commit, recordFiles } from "./rotation";
import { loadModel, StackFile } from "./stackEdit";
import { STACKS } from "../../model";

/** The options of `grant-access`. */
export interface GrantAccessOptions {
  stack: string;
  member: string;
  incident: string;
  /** How long: `2h`, `90m`, `1h30m`; at most 24 h. */
  for: string;
  operator: string;
  consumer?: string;
  reason?: string;
}

/** `2h`, `45m`, `1h30m` in minutes; refuses anything else, and more than 24 hours. */
export function parseDuration(text: string): number {
  const m = /^(?:(\d{1,2})h)?(?:(\d{1,4})m)?$/.exec(text.trim());
  const minutes = m && (m[1] || m[2]) ? Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) : NaN;
  if (!(minutes > 0)) {
    throw new Error(
      `--for "${text}" is not a duration: use hours and minutes such as 2h, 90m or 1h30m.`,
    );
  }
  if (minutes > MAX_EMERGENCY_HOURS * 60) {
    throw new Error(
      `--for ${text} is longer than ${MAX_EMERGENCY_HOURS}h: an emergency grant lasts at most ${MAX_EMERGENCY_HOURS} hours. Grant it again later if the incident needs more.`,
    );
  }
  return minutes;
}

/** Checks the member: one person, `user:<email>`. */
function checkMember(member: string): string {
  const email = member.startsWith("user:") ? member.slice(5) : null;
  if (email !== null && EMAIL_RE.test(email)) return member;
  const kind = /^(group|domain|serviceAccount|deleted):/.exec(member)?.[1];
  const what = kind
    ? `a ${kind}: member`
    : /^allUsers$|^allAuthenticatedUsers$/.test(member)
      ? "the public"
      : `"${member}"`;
  throw new Error(
    `--member ${member} is ${what}; emergency access is for one person: --member user:<their email>. Groups, domains, service accounts and the public never get a break-glass read.`,
  );
}

/**
 * `grant-access <VARIABLE>`: one person may read one secret for a while during an incident. In
 * production it is break-glass: only under the freeze of that incident.
 */
export async function grantAccess(
  ctx: OpsContext,
  variable: string,
  opts: GrantAccessOptions,
): Promise<void> {
  const o = ops(ctx);
  const { stack } = opts;
  const operator = checkOperator(opts.operator);
  const incident = checkIncident(opts.incident);
  const reason = checkText("--reason", opts.reason);
  const member = checkMember(opts.member);
  const minutes = parseDuration(opts.for);
  resolveSecret(variable, stack, operator);
  const model = loadModel(o.projectDir, stack);
  const values = model.secrets.filter((s) => s.variable === variable);
  const scoped = values.length > 1 || values[0]?.scope !== "shared";
  const secret = scoped ? values.find((s) => s.scope === opts.consumer) : values[0];
  if (!secret) {
    throw new Error(
      `${variable} has one value per consumer in ${stack} (${values.map((s) => s.scope).join(", ")}): a grant opens one secret, so name it: --consumer <${values.map((s) => s.scope).join("|")}>.`,
    );
  }
  if (!scoped && opts.consumer !== undefined) {
    throw new Error(`${variable} has one shared value; leave out --consumer.`);
  }
  if (stack === "production") {
    const f = readFreeze(o.projectDir);
    if (!f || f.incident !== incident) {
      throw new Error(
        `Refusing emergency access to production outside the break-glass of ${incident}: ${f ? describeFreeze(f) : "deploys are not frozen."} Break glass first (npx pegasus-secrets freeze --incident ${incident} --operator ${operator}, or break-glass to rotate as well), then grant it; the break-glass workflow applies it.`,
      );
    }
  }
  const now = o.now();
  const grantedAt = utc(now);
  const expiresAt = utc(new Date(now.getTime() + minutes * 60_000));
  const file = StackFile.load(o.projectDir, stack);
  const grants = file.emergencyAccess();
  if (
    grants.some((g) => g.incident === incident && g.member === member && g.variable === variable)
  ) {
    throw new Error(
      `${member} already holds emergency access to ${variable} in ${stack} for ${incident}. To change its time: npx pegasus-secrets revoke-access ${variable} --stack ${stack} --incident ${incident} --operator ${operator}, then grant it again.`,
    );
  }
  file.setEmergencyAccess([
    ...grants,
    {
      variable,
      ...(scoped ? { consumer: secret.scope } : {}),
      member,
      incident,
      operator,
      grantedAt,
      expiresAt,
    },
  ]);
  const entry: GrantAccessEntry = {
    action: "grant-access",
    ts: grantedAt,
    operator,
    stack,
    variable,
    consumer: scoped ? secret.scope : null,
    secretId: secret.secretId,
    member,
    incident,
    expiresAt,
    reason,
  };
  readLog(o.projectDir);
  const [logged] = commit(o.projectDir, [file], [entry]);
  o.out(
    [
      `Emergency access for ${incident}: ${member} may read ${secret.secretId} (${variable}) in ${stack} until ${expiresAt}, once applied.`,
      "It is a separate IAM binding with the condition request.time < its expiry: it stops by itself, even if nobody revokes it. Its reads count on the unexpected-access alert, on purpose.",
      `Recorded in ${LOG_FILE} (line ${logged.line}).`,
      "",
      "Next:",
      `  1. commit ${recordFiles([stack])} and push: ${stack === "production" ? `the break-glass workflow applies it with incident ${incident}` : "CI applies it"}`,
      `  2. when it is no longer needed: npx pegasus-secrets revoke-access ${variable} --stack ${stack} --incident ${incident} --operator ${operator}`,
    ].join("\n"),
  );
}

/** Removes the grants `match` selects from every stack given; one log entry each. */
function removeGrants(
  o: Ops,
  stacks: string[],
  match: (g: Record<string, unknown>) => boolean,
  operator: string,
  reason: string | null,
): string[] {
  const now = o.now();
  const removed: string[] = [];
  for (const stack of stacks) {
    const file = StackFile.load(o.projectDir, stack);
    const grants = file.emergencyAccess();
    const gone = grants.filter(match);
    if (gone.length === 0) continue;
    file.setEmergencyAccess(grants.filter((g) => !match(g)));
    const entries: RevokeAccessEntry[] = gone.map((g) => ({
      action: "revoke-access",
      ts: utc(now),
      operator,
      stack,
      variable: String(g.variable),
      member: String(g.member),
      incident: String(g.incident),
      expired: Date.parse(String(g.expiresAt)) <= now.getTime(),
      reason,
    }));
    commit(o.projectDir, [file], entries);
    removed.push(
      ...entries.map(
        (e) => `${e.member} on ${e.variable} in ${stack}${e.expired ? " (had expired)" : ""}`,
      ),
    );
  }
  return removed;
}

/** Every emergency grant of an incident, in every stack (`lift-freeze`). */
export const revokeIncidentGrants = (
  o: Ops,
  incident: string,
  operator: string,
  reason: string | null,
): string[] => removeGrants(o, [...STACKS], (g) => g.incident === incident, operator, reason);

/** `revoke-access <VARIABLE>`: removes the incident's emergency grants on a variable. */
export async function revokeAccess(
  ctx: OpsContext,
  variable: string,
  opts: { stack: string; incident: string; operator: string; member?: string; reason?: string },
): Promise<void> {
  const o = ops(ctx);
  const operator = checkOperator(opts.operator);
  const incident = checkIncident(opts.incident);
  const reason = checkText("--reason", opts.reason);
  const match = (g: Record<string, unknown>) =>
    g.variable === variable &&
    g.incident === incident &&
    (!opts.member || g.member === opts.member);
  const removed = removeGrants(o, [opts.stack], match, operator, reason);
  if (removed.length === 0) {
    const present = StackFile.load(o.projectDir, opts.stack)
      .emergencyAccess()
      .map((g) => `${String(g.variable)} for ${String(g.member)} (${String(g.incident)})`);
    throw new Error(
      `No emergency access to ${variable} for ${incident}${opts.member ? ` and ${opts.member}` : ""} in ${opts.stack}: nothing to revoke. The stack's grants: ${present.length ? present.join("; ") : "none"}.`,
    );
  }
  o.out(
    [
      `Emergency access removed: ${removed.join("; ")}; recorded in ${LOG_FILE}.`,
      `Commit ${recordFiles([opts.stack])} and push: the next pulumi up removes the binding.`,
    ].join("\n"),
  );
}
