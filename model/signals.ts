/**
 * Signals that reach a person, as plain data the components materialise: the rotation-due alert
 * (Secret Manager's SECRET_ROTATE notification on the rotation topic), the unexpected-access alert
 * (a log-based metric over the Data Access audit logs) and the time-boxed emergency grants.
 *
 * The access filter is built from the same accessor lists that build the IAM bindings
 * (`SecretValueModel.accessors`), so what the alert allows and what IAM grants cannot disagree.
 */
import type { StackConfig } from "./config";
import type { IssueList } from "./errors";
import type { IdentityModel, SecretValueModel } from "./model";

/** The audited call that reads a secret's payload (DATA_READ). */
export const ACCESS_METHOD =
  "google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion";

/** Cloud Logging refuses filters over 20,000 characters; each metric's filter stays under this. */
export const MAX_FILTER_CHARS = 15_000;

/** One stored secret as the access alert sees it: its ID and who may read it. */
export interface SecretReaders {
  secretId: string;
  /** Service-account emails of its runtime consumers (exactly its accessor grants). */
  readers: string[];
}

/** A time-boxed break-glass read of one secret, resolved to that secret. */
export interface EmergencyGrant {
  variable: string;
  secretId: string;
  member: string;
  incident: string;
  operator: string;
  grantedAt: string;
  expiresAt: string;
  /** The IAM condition: the grant stops at `expiresAt` whatever happens to the stack. */
  condition: { title: string; description: string; expression: string };
}

/** Everything the signals of one stack need. */
export interface Signals {
  /** E-mail addresses to create channels for, and existing channels, both as configured. */
  emails: string[];
  channels: string[];
  /** The subscription that holds Secret Manager's rotation notices (SECRET_ROTATE only). */
  rotationDue: { subscription: string; filter: string };
  /** The log-based metrics counting reads by anyone but a secret's readers (usually one). */
  unexpectedAccess: { metric: string; filter: string }[];
  /** Every stored secret with its readers, as the access alert sees them. */
  readers: SecretReaders[];
  /** Plan warnings about the signals (no one is told, in production). */
  warnings: string[];
}

const q = (s: string) => JSON.stringify(s);

/** The condition of one group of secrets with the same readers: a read by anyone else. */
function groupFilter(secretIds: string[], readers: string[]): string {
  const resources = secretIds.map((id) => q(`/secrets/${id}/`));
  const resource =
    resources.length === 1
      ? `protoPayload.resourceName:${resources[0]}`
      : `protoPayload.resourceName:(${resources.join(" OR ")})`;
  if (readers.length === 0) return `(${resource})`;
  return `(${resource} AND NOT protoPayload.authenticationInfo.principalEmail=(${readers.map(q).join(" OR ")}))`;
}

/**
 * Logging filters that match an `AccessSecretVersion` on one of `secrets` by a principal that is
 * not one of that secret's readers. Secrets with the same readers share one condition; the
 * conditions are split over several filters when one would exceed {@link MAX_FILTER_CHARS}.
 */
export function unexpectedAccessFilters(gcpProject: string, secrets: SecretReaders[]): string[] {
  const head = [
    `logName=${q(`projects/${gcpProject}/logs/cloudaudit.googleapis.com%2Fdata_access`)}`,
    `protoPayload.serviceName="secretmanager.googleapis.com"`,
    `protoPayload.methodName=${q(ACCESS_METHOD)}`,
  ].join(" AND ");
  const groups = new Map<string, SecretReaders[]>();
  for (const s of secrets) {
    const readers = [...new Set(s.readers)].sort();
    const k = readers.join(",");
    const group = groups.get(k) ?? [];
    if (!group.length) groups.set(k, group);
    group.push({ secretId: s.secretId, readers });
  }
  const conditions: string[] = [];
  for (const members of groups.values()) {
    const readers = members[0].readers;
    // The length of `groupFilter` for `n` secrets whose quoted names take `chars`: its fixed text,
    // the names, " OR " between two, and the parentheses around two or more. Kept as a running
    // sum, so a catalog of thousands of secrets is sliced in one pass.
    const fixed = groupFilter([""], readers).length - q("/secrets//").length;
    const lengthOf = (n: number, chars: number) => fixed + chars + 4 * (n - 1) + (n > 1 ? 2 : 0);
    // A group too large for one filter is cut into slices of secrets.
    let slice: string[] = [];
    let chars = 0;
    const flush = () => {
      if (slice.length) conditions.push(groupFilter(slice, readers));
      slice = [];
      chars = 0;
    };
    for (const m of members) {
      const c = q(`/secrets/${m.secretId}/`).length;
      if (slice.length && lengthOf(slice.length + 1, chars + c) + head.length > MAX_FILTER_CHARS) {
        flush();
      }
      slice.push(m.secretId);
      chars += c;
    }
    flush();
  }
  // `${head} AND (c1 OR c2 ...)`, filled the same way.
  const filters: string[] = [];
  let current: string[] = [];
  let length = 0;
  const text = (cs: string[]) => `${head} AND (${cs.join(" OR ")})`;
  for (const c of conditions) {
    const next = current.length ? length + 4 + c.length : head.length + 6 + c.length;
    if (current.length && next > MAX_FILTER_CHARS) {
      filters.push(text(current));
      current = [];
      length = head.length + 6 + c.length;
    } else {
      length = next;
    }
    current.push(c);
  }
  if (current.length) filters.push(text(current));
  return filters;
}

/** The signals of a stack, from its config and the secrets and identities the model built. */
export function buildSignals(
  cfg: StackConfig,
  secrets: SecretValueModel[],
  identities: IdentityModel[],
): Signals {
  const emailOf = new Map(identities.map((i) => [i.consumer as string, i.email]));
  const readers: SecretReaders[] = secrets.map((s) => ({
    secretId: s.secretId,
    readers: s.accessors.map((c) => emailOf.get(c)!).filter(Boolean),
  }));
  const filters = unexpectedAccessFilters(cfg.gcpProject, readers);
  const metric = `${cfg.secretIdPrefix}-unexpected-secret-access`;
  const warnings: string[] = [];
  if (
    cfg.stack === "production" &&
    cfg.notifications.emails.length + cfg.notifications.channels.length === 0
  ) {
    warnings.push(
      "production has no `notifications`: a secret due for rotation or read by an unexpected principal alerts nobody. Add the on-call address: pulumi config set --path 'notifications.emails[0]' oncall@<your domain> --stack production",
    );
  }
  return {
    emails: cfg.notifications.emails,
    channels: cfg.notifications.channels,
    rotationDue: {
      subscription: `${cfg.secretIdPrefix}-secret-rotation-due`,
      // Secret Manager publishes every change of a secret to its topics; only SECRET_ROTATE means "due".
      filter: 'attributes.eventType = "SECRET_ROTATE"',
    },
    unexpectedAccess: filters.map((filter, i) => ({
      metric: i === 0 ? metric : `${metric}-${i + 1}`,
      filter,
    })),
    readers,
    warnings,
  };
}

/**
 * The emergency grants of a stack, each resolved to the one secret it opens. Refuses (in `issues`)
 * a grant on an unknown variable, or on a per-consumer variable without a valid `consumer`.
 */
export function resolveEmergencyGrants(
  cfg: StackConfig,
  secrets: SecretValueModel[],
  issues: IssueList,
  keyOf: (path: string) => string,
): EmergencyGrant[] {
  const out: EmergencyGrant[] = [];
  cfg.emergencyAccess.forEach((g, i) => {
    const at = keyOf(`emergencyAccess.${i}`);
    const rm = `npx pegasus-secrets revoke-access ${g.variable} --stack ${cfg.stack} --incident ${g.incident} --operator <you>`;
    const values = secrets.filter((s) => s.variable === g.variable);
    if (values.length === 0) {
      issues.add(`${at}.variable`, `"${g.variable}" is not a secret of this stack.`, rm);
      return;
    }
    const scoped = values.length > 1 || values[0].scope !== "shared";
    const chosen = scoped ? values.find((s) => s.scope === g.consumer) : values[0];
    if (!chosen || (!scoped && g.consumer !== undefined)) {
      issues.add(
        `${at}.consumer`,
        scoped
          ? `${g.variable} has one value per consumer (${values.map((s) => s.scope).join(", ")}); name the one to open.`
          : `${g.variable} has one shared value; a consumer does not apply.`,
        rm,
      );
      return;
    }
    out.push({
      variable: g.variable,
      secretId: chosen.secretId,
      member: g.member,
      incident: g.incident,
      operator: g.operator,
      grantedAt: g.grantedAt,
      expiresAt: g.expiresAt,
      condition: {
        title: `break-glass ${g.incident}`.slice(0, 100),
        description: `Read access for incident ${g.incident}, granted ${g.grantedAt} by ${g.operator}, until ${g.expiresAt}.`,
        expression: `request.time < timestamp("${g.expiresAt}")`,
      },
    });
  });
  return out;
}

/** Emergency grants past their expiry at `now`: the plan warns until `revoke-access` removes them. */
export const expiredGrants = (grants: EmergencyGrant[], now: Date): EmergencyGrant[] =>
  grants.filter((g) => Date.parse(g.expiresAt) <= now.getTime());
