/**
 * What the rules know about a stack besides its resources, read from its config exactly as the
 * engine hands it to a policy pack (`PULUMI_CONFIG`: `"<namespace>:<key>"` -> string, objects as
 * JSON). The offline gate builds the same context from the same config, so both callers judge with
 * the same facts. Only names, emails, IDs and times are read here; never a secret value.
 *
 * The defaults mirror the program's (model/config.ts): secret IDs prefixed with the stack name, and
 * one created identity per GCP consumer named `<prefix>-<consumer>`. A head that changes those
 * defaults makes its identities unknown to these rules, which then refuse its grants: fail closed.
 */

const PROJECT = "pegasus-secrets";

/** A runtime identity of the stack: which consumer, its email, and whether the stack creates it. */
export interface StackIdentity {
  consumer: string;
  email: string;
  mode: "create" | "reference";
}

/** A break-glass read as the stack config records it (`grant-access` writes it). */
export interface RecordedEmergencyGrant {
  variable: string;
  consumer?: string;
  member: string;
  incident: string;
  grantedAt: string;
  expiresAt: string;
}

/** Where each consumer's platform deliveries go, from `targets`. */
export interface DeliveryTargets {
  render: Record<string, string[]>;
  fly: Record<string, string>;
  railway: Record<string, string>;
}

/** The stack facts of the new rules; each is undefined when the config does not say. */
export interface StackFacts {
  /** The GCP project of the stack (`gcp:project`). */
  gcpProject?: string;
  /** Prefix of every secret ID (`secretIdPrefix`, default the stack name). */
  secretIdPrefix: string;
  /** The runtime identities of the stack, by consumer. */
  identities: StackIdentity[];
  /** Customer-managed encryption: `required` makes it mandatory for every secret. */
  kms: { keys: Record<string, string>; required: boolean };
  /** Break-glass reads recorded in config. */
  emergencyAccess: RecordedEmergencyGrant[];
  /** Platform destinations by consumer. */
  targets: DeliveryTargets;
  /** Values of plain variables set in the stack's `plain` config. */
  plain: Record<string, string>;
  /** Config keys that could not be read (malformed JSON): a rule that needs one fails closed. */
  unreadable: string[];
}

const json = <T>(config: Record<string, string | undefined>, key: string, unreadable: string[]) => {
  const raw = config[`${PROJECT}:${key}`];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    unreadable.push(`${PROJECT}:${key}`);
    return undefined;
  }
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The stack facts from its config, with the program's defaults. */
export function stackFacts(stack: string, config: Record<string, string | undefined>): StackFacts {
  const unreadable: string[] = [];
  const gcpProject = config["gcp:project"];
  const prefixRaw = config[`${PROJECT}:secretIdPrefix`];
  const secretIdPrefix = prefixRaw && prefixRaw.length > 0 ? prefixRaw : stack;

  const ids =
    json<Record<string, unknown>>(config, "identities", unreadable) ??
    Object.fromEntries(
      ["api", "worker", "ci"].map((c) => [c, { accountId: `${secretIdPrefix}-${c}` }]),
    );
  const identities: StackIdentity[] = [];
  for (const [consumer, id] of Object.entries(isObject(ids) ? ids : {})) {
    if (!isObject(id)) continue;
    if (typeof id.email === "string") {
      identities.push({ consumer, email: id.email, mode: "reference" });
    } else if (typeof id.accountId === "string" && gcpProject) {
      identities.push({
        consumer,
        email: `${id.accountId}@${gcpProject}.iam.gserviceaccount.com`,
        mode: "create",
      });
    }
  }

  const kmsRaw = json<Record<string, unknown>>(config, "kms", unreadable);
  const kms = {
    keys: isObject(kmsRaw?.keys) ? (kmsRaw.keys as Record<string, string>) : {},
    required: kmsRaw?.required === true,
  };

  const grants = json<unknown[]>(config, "emergencyAccess", unreadable) ?? [];
  const emergencyAccess = (Array.isArray(grants) ? grants : [])
    .filter(isObject)
    .map((g) => g as unknown as RecordedEmergencyGrant);

  const t = json<Record<string, unknown>>(config, "targets", unreadable) ?? {};
  const section = (name: string, field: string) =>
    isObject(t[name]) && isObject((t[name] as Record<string, unknown>)[field])
      ? ((t[name] as Record<string, unknown>)[field] as Record<string, unknown>)
      : {};
  const targets: DeliveryTargets = {
    render: Object.fromEntries(
      Object.entries(section("render", "services")).map(([c, v]) => [
        c,
        Array.isArray(v) ? v.map(String) : [],
      ]),
    ),
    fly: Object.fromEntries(Object.entries(section("fly", "apps")).map(([c, v]) => [c, String(v)])),
    railway: Object.fromEntries(
      Object.entries(section("railway", "services")).map(([c, v]) => [c, String(v)]),
    ),
  };

  const plainRaw = json<Record<string, unknown>>(config, "plain", unreadable) ?? {};
  const plain = Object.fromEntries(
    Object.entries(isObject(plainRaw) ? plainRaw : {}).map(([k, v]) => [k, String(v)]),
  );

  return {
    gcpProject,
    secretIdPrefix,
    identities,
    kms,
    emergencyAccess,
    targets,
    plain,
    unreadable,
  };
}

/** The deploying principal as the deploy's credentials name it, when the pack runs under them. */
export function deployerFromEnvironment(env: NodeJS.ProcessEnv, read: (f: string) => string) {
  const out: string[] = [];
  for (const k of [
    "GOOGLE_IMPERSONATE_SERVICE_ACCOUNT",
    "CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT",
  ]) {
    const v = env[k]?.trim();
    if (v) out.push(v);
  }
  // google-github-actions/auth (workload identity federation) writes an external-account file
  // whose impersonation URL names the service account the deploy runs as.
  const file = env.GOOGLE_APPLICATION_CREDENTIALS;
  if (file) {
    try {
      const creds = JSON.parse(read(file)) as { service_account_impersonation_url?: unknown };
      const url = String(creds.service_account_impersonation_url ?? "");
      const m = /serviceAccounts\/([^/:]+@[^/:]+):generateAccessToken/.exec(url);
      if (m) out.push(decodeURIComponent(m[1]));
    } catch {
      // No readable credentials file: the naming rule still applies (policy/identities.ts).
    }
  }
  return out;
}
