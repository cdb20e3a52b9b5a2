/**
 * Stack config of the signals that reach a person, and of customer-managed encryption:
 * `notifications` (who is told), `emergencyAccess` (time-boxed break-glass reads) and `kms`.
 * `model/config.ts` parses the keys with these schemas; the checks the schemas cannot express are
 * here, each naming the key and the command that fixes it.
 */
import { z } from "zod";
import { KMS_KEY_RE } from "./sealedValues";
import type { IssueList } from "./errors";

/** An e-mail address as the notification channel and a `user:` IAM member take it: ASCII only. */
export const EMAIL_RE = /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+$/;

/** Who Cloud Monitoring tells: e-mail addresses (channels the stack creates) and existing channels. */
export interface NotificationsConfig {
  emails: string[];
  /** Existing channels: `projects/<project>/notificationChannels/<id>`. */
  channels: string[];
}

export const notificationsSchema = z.strictObject({
  emails: z
    .array(z.string().regex(EMAIL_RE, "must be an e-mail address such as oncall@example.com"))
    .default([]),
  channels: z
    .array(
      z
        .string()
        .regex(
          /^projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/notificationChannels\/[0-9]{1,20}$/,
          "must be a channel name such as projects/<project>/notificationChannels/1234567890",
        ),
    )
    .default([]),
});

/** Customer-managed encryption keys, by replica location (`global` for automatic replication). */
export interface KmsConfig {
  keys: Record<string, string>;
  /** The policy refuses any secret of this stack without customer-managed encryption. */
  required: boolean;
}

export const kmsSchema = z.strictObject({
  keys: z.record(z.string(), z.string()).default({}),
  required: z.boolean().default(false),
});

/** A time-boxed read of one secret by a person during an incident (issued by `grant-access`). */
export interface EmergencyAccessConfig {
  variable: string;
  /** Which consumer's value, when the variable has one per consumer. */
  consumer?: string;
  /** `user:<email>`: the only kind of member the policy allows outside the runtime identities. */
  member: string;
  incident: string;
  operator: string;
  /** When `grant-access` wrote it (UTC, RFC 3339). */
  grantedAt: string;
  /** When the IAM condition stops it (UTC, RFC 3339), at most 24 h after `grantedAt`. */
  expiresAt: string;
}

/** The longest an emergency grant may last. */
export const MAX_EMERGENCY_HOURS = 24;

const isoUtc = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/,
    "must be a UTC time such as 2026-11-30T08:00:00Z",
  );

export const emergencyAccessSchema = z.array(
  z.strictObject({
    variable: z.string(),
    consumer: z.string().optional(),
    member: z.string(),
    incident: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "must be an incident ID such as INC-2041"),
    operator: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$/, "must be a user name or e-mail"),
    grantedAt: isoUtc,
    expiresAt: isoUtc,
  }),
);

/** Checks a grant's member and time box; `at` is its config key (`...emergencyAccess.0`). */
export function checkEmergencyAccess(
  g: EmergencyAccessConfig,
  at: string,
  issues: IssueList,
  fix: string,
): void {
  const email = g.member.startsWith("user:") ? g.member.slice("user:".length) : null;
  if (email === null || !EMAIL_RE.test(email)) {
    const kind = /^(group|domain|serviceAccount|deleted):/.exec(g.member)?.[1];
    const why = kind
      ? `a ${kind}: member`
      : /^allUsers$|^allAuthenticatedUsers$/.test(g.member)
        ? "the public"
        : `"${g.member}"`;
    issues.add(
      `${at}.member`,
      `grants emergency access to ${why}; only one person (user:<email>) may hold a break-glass read.`,
      fix,
    );
  }
  const granted = Date.parse(g.grantedAt);
  const expires = Date.parse(g.expiresAt);
  const hours = (expires - granted) / 3_600_000;
  if (!(hours > 0 && hours <= MAX_EMERGENCY_HOURS)) {
    issues.add(
      `${at}.expiresAt`,
      `ends ${hours > 0 ? `${hours.toFixed(1)} h` : "not"} after it was granted; an emergency grant lasts more than 0 and at most ${MAX_EMERGENCY_HOURS} h.`,
      fix,
    );
  }
}

/** Checks the KMS keys against the stack's replication: a key per replica, in its location. */
export function checkKms(
  kms: KmsConfig,
  replicationLocations: string[],
  gcpProject: string,
  keyOf: (path: string) => string,
  issues: IssueList,
  stack: string,
): void {
  const wanted = replicationLocations.length === 0 ? ["global"] : replicationLocations;
  const set = (location: string) =>
    `pulumi config set --path 'kms.keys.${location}' projects/${gcpProject}/locations/${location}/keyRings/<ring>/cryptoKeys/<key> --stack ${stack}`;
  for (const [location, key] of Object.entries(kms.keys)) {
    const m = KMS_KEY_RE.exec(key);
    if (!m) {
      issues.add(
        keyOf(`kms.keys.${location}`),
        `"${key}" is not a Cloud KMS key name: expected projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>.`,
        set(location),
      );
    } else if (m[2] !== location) {
      issues.add(
        keyOf(`kms.keys.${location}`),
        `names a key in ${m[2]}, but a secret's replica in ${location} must use a key in the same location.`,
        set(location),
      );
    }
    if (!wanted.includes(location)) {
      issues.add(
        keyOf(`kms.keys.${location}`),
        replicationLocations.length === 0
          ? `is not used: with automatic replication every secret uses one key in location global.`
          : `is not a replica location of this stack (${replicationLocations.join(", ")}).`,
        `pulumi config rm --path 'kms.keys.${location}' --stack ${stack}`,
      );
    }
  }
  const configured = Object.keys(kms.keys).length > 0;
  if (configured || kms.required) {
    for (const location of wanted) {
      if (!(location in kms.keys)) {
        issues.add(
          keyOf(`kms.keys.${location}`),
          kms.required && !configured
            ? "is missing: this stack requires customer-managed encryption (kms.required)."
            : `is missing: every replica needs a key, and ${location} has none.`,
          set(location),
        );
      }
    }
  }
}
