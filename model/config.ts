import { z } from "zod";
import { GCP_CONSUMERS, GcpConsumer } from "../catalog";
import { PATTERNS } from "./naming";
import { describeIssue } from "./configErrors";
import { IssueList } from "./errors";
import {
  checkRunbookConfig,
  RolloutConfig,
  rolloutSchema,
  VerifyConfig,
  verifySchema,
} from "./runbookConfig";
import {
  checkKms,
  EmergencyAccessConfig,
  emergencyAccessSchema,
  KmsConfig,
  kmsSchema,
  NotificationsConfig,
  notificationsSchema,
} from "./signalsConfig";
import { SealedValuesConfig, sealedValuesSchema } from "./sealedValues";
import { RawTargets, TARGETS_SCHEMA, TargetsConfig, validateTargets } from "./targets";

export { CONFIG_KEYS } from "./configKeys";

/** The Pulumi project name: config keys are `pegasus-secrets:<key>`. */
export const PROJECT = "pegasus-secrets";
export const STACKS = ["staging", "production"] as const;
export type StackName = (typeof STACKS)[number];

/**
 * Config as the Pulumi CLI hands it to a program: every value a string (objects as JSON), plus which
 * keys were set with `--secret`. `stacks/config.ts` builds it from `pulumi.Config`; the plan and the
 * tests build it from a stack file. Keeping this seam plain makes every rule testable without Pulumi.
 */
export interface RawConfig {
  get(fullKey: string): string | undefined;
  isSecret(fullKey: string): boolean;
  /** Every key set (`namespace:key`), so a mistyped one is named instead of ignored. */
  keys?(): string[];
}

/**
 * A runtime identity: created by the stack (`accountId`) or an existing one referenced by `email`,
 * which must belong to the stack's own GCP project unless `crossProject: true` says, on purpose,
 * that it does not (or that its email cannot show it, as a Cloud Build account's cannot).
 */
export type IdentityConfig = { accountId: string } | { email: string; crossProject?: boolean };

/** The two database users of a consumer, used alternately (dual-user rotation, DESIGN.md D2). */
export const DATABASE_USER_SLOTS = ["a", "b"] as const;
export type DatabaseUserSlot = (typeof DATABASE_USER_SLOTS)[number];

/** How one variable's value is produced, when the stack chooses something other than the default. */
export type SourceConfig =
  | { kind: "generated" }
  | { kind: "external" }
  | { kind: "gcsHmac" }
  | {
      kind: "cloudSql";
      /** Cloud SQL instance name (the `gcp.sql.User` is created on it). */
      instance: string;
      /** Host the consumers connect to (private IP or DNS name). */
      host: string;
      port?: number;
      database: string;
      /** `sslmode` query parameter; default `require`. */
      sslMode?: "disable" | "require" | "verify-ca" | "verify-full";
    }
  | { kind: "memorystore"; instance: string; region: string };

/** Validated program config of one stack (plain data; secret values stay in `stacks/config.ts`). */
export interface StackConfig {
  stack: StackName;
  gcpProject: string;
  owner: string;
  secretIdPrefix: string;
  /** Empty: automatic replication. */
  replicationLocations: string[];
  versionDestroyTtlDays: number;
  deletionProtection: boolean;
  manageAuditConfig: boolean;
  identities: Partial<Record<GcpConsumer, IdentityConfig>>;
  rotations: Record<string, string>;
  previousKeepers: Record<string, string>;
  /** Cloud SQL credentials: which of the consumer's two users is live (`a` unless set). */
  activeUsers: Record<string, DatabaseUserSlot>;
  sources: Record<string, SourceConfig>;
  plain: Record<string, string>;
  /** Readiness URLs and smoke flow of `pegasus-secrets verify` (rotation runbook step 2). */
  verify?: VerifyConfig;
  /** Order in which `pulumi up` applies a change to the services, each behind a readiness gate (step 3). */
  rollout?: RolloutConfig;
  /** Platforms this stack delivers to (Render, Fly.io, Railway), and where; empty for none. */
  targets: TargetsConfig;
  /** Who the stack's alerts (rotation due, unexpected secret access) notify. */
  notifications: NotificationsConfig;
  /** Customer-managed encryption keys of the secrets; none means Google-managed encryption. */
  kms: KmsConfig;
  /** Time-boxed break-glass reads granted to people during an incident (`grant-access`). */
  emergencyAccess: EmergencyAccessConfig[];
  /** External values sealed with a Cloud KMS key (`pegasus-secrets seal`), read only by the deploy identity. */
  sealedValues?: SealedValuesConfig;
}

const key = (k: string) => `${PROJECT}:${k}`;

const identitySchema = z.union([
  z.strictObject({ accountId: z.string() }),
  z.strictObject({ email: z.string(), crossProject: z.boolean().optional() }),
]);
const sourceSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("generated") }),
  z.strictObject({ kind: z.literal("external") }),
  z.strictObject({ kind: z.literal("gcsHmac") }),
  z.strictObject({
    kind: z.literal("cloudSql"),
    instance: z.string().regex(/^[a-z][a-z0-9-]{0,97}$/),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).optional(),
    database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,62}$/),
    sslMode: z.enum(["disable", "require", "verify-ca", "verify-full"]).optional(),
  }),
  z.strictObject({
    kind: z.literal("memorystore"),
    instance: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/),
    region: z.string().regex(PATTERNS.location.re),
  }),
]);
const OBJECT_SCHEMAS: Record<string, z.ZodType> = {
  identities: z.partialRecord(z.enum(GCP_CONSUMERS), identitySchema),
  rotations: z.record(z.string(), z.string()),
  previousKeepers: z.record(z.string(), z.string()),
  activeUsers: z.record(z.string(), z.enum(DATABASE_USER_SLOTS)),
  sources: z.record(z.string(), sourceSchema),
  plain: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)),
  replicationLocations: z.array(z.string().regex(PATTERNS.location.re)),
  verify: verifySchema,
  rollout: rolloutSchema,
  targets: TARGETS_SCHEMA,
  notifications: notificationsSchema,
  kms: kmsSchema,
  sealedValues: sealedValuesSchema,
  emergencyAccess: emergencyAccessSchema,
};

/** The command that sets a key; map entries use `--path` with the key relative to the project. */
export const setCmd = (stack: string, fullKey: string, example: string, secret = false): string => {
  const inProject = fullKey.startsWith(`${PROJECT}:`) ? fullKey.slice(PROJECT.length + 1) : fullKey;
  const keyArg = inProject.includes(".") ? `--path '${inProject}'` : fullKey;
  return `pulumi config set ${secret ? "--secret " : ""}${keyArg} ${example} --stack ${stack}`;
};

/**
 * Reads and checks the program's own config (not secret values: see `model/model.ts` for those).
 * Every problem is collected in `issues`, each naming the key and the command that fixes it.
 */
export function parseStackConfig(stack: string, raw: RawConfig, issues: IssueList): StackConfig {
  if (!(STACKS as readonly string[]).includes(stack)) {
    issues.add(
      "stack",
      `unknown stack "${stack}".`,
      `use one of ${STACKS.join(", ")} (pulumi stack select staging).`,
    );
  }
  const str = (
    fullKey: string,
    required: boolean,
    pattern?: { re: RegExp; rule: string },
    example = "<value>",
  ) => {
    const v = raw.get(fullKey);
    if (v === undefined || v === "") {
      if (required)
        issues.add(fullKey, "is required but not set.", setCmd(stack, fullKey, example));
      return undefined;
    }
    if (pattern && !pattern.re.test(v)) {
      issues.add(
        fullKey,
        `"${v}" is not valid: expected ${pattern.rule}.`,
        setCmd(stack, fullKey, example),
      );
    }
    return v;
  };
  const json = <T>(k: string, fallback: T): T => {
    const v = raw.get(key(k));
    if (v === undefined) return fallback;
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      issues.add(
        key(k),
        "must be a map or list in the stack file, not a plain string.",
        `see the config reference in README.md for the shape of \`${k}\`.`,
      );
      return fallback;
    }
    const result = OBJECT_SCHEMAS[k].safeParse(parsed);
    if (!result.success) {
      for (const issue of result.error.issues) {
        for (const d of describeIssue(OBJECT_SCHEMAS[k], k, issue, stack)) {
          issues.add(key(d.path), d.problem, d.fix);
        }
      }
      return fallback;
    }
    return result.data as T;
  };
  const bool = (k: string): boolean | undefined => {
    const v = raw.get(key(k));
    if (v === undefined) return undefined;
    if (v !== "true" && v !== "false") {
      issues.add(key(k), `"${v}" is not a boolean.`, setCmd(stack, key(k), "true"));
      return undefined;
    }
    return v === "true";
  };

  const gcpProject = str("gcp:project", true, PATTERNS.gcpProject, "my-gcp-project") ?? "";
  const owner = str(key("owner"), true, PATTERNS.label, "platform") ?? "";
  const secretIdPrefix = str(key("secretIdPrefix"), false, PATTERNS.secretIdPrefix, stack) ?? stack;

  const ttlRaw = raw.get(key("versionDestroyTtlDays"));
  let versionDestroyTtlDays = 7;
  if (ttlRaw !== undefined) {
    const n = Number(ttlRaw);
    if (!Number.isInteger(n) || n < 1 || n > 30) {
      issues.add(
        key("versionDestroyTtlDays"),
        `"${ttlRaw}" is not a whole number of days from 1 to 30.`,
        setCmd(stack, key("versionDestroyTtlDays"), "7"),
      );
    } else versionDestroyTtlDays = n;
  }

  const deletionProtection = bool("deletionProtection") ?? stack === "production";
  if (stack === "production" && !deletionProtection) {
    issues.add(
      key("deletionProtection"),
      "cannot be false in production: production secrets are protected from deletion (DESIGN.md D3).",
      `pulumi config rm ${key("deletionProtection")} --stack production`,
    );
  }

  const identities = json<StackConfig["identities"]>("identities", {
    api: { accountId: `${secretIdPrefix}-api` },
    worker: { accountId: `${secretIdPrefix}-worker` },
    ci: { accountId: `${secretIdPrefix}-ci` },
  });
  for (const [consumer, id] of Object.entries(identities)) {
    const at = key(`identities.${consumer}`);
    if (id && "accountId" in id && !PATTERNS.serviceAccountId.re.test(id.accountId)) {
      issues.add(
        `${at}.accountId`,
        `"${id.accountId}" is not a valid service-account ID: expected ${PATTERNS.serviceAccountId.rule}.`,
        setCmd(stack, `${at}.accountId`, `${secretIdPrefix}-${consumer}`),
      );
    }
    if (
      id &&
      "email" in id &&
      PATTERNS.serviceAccountEmail.re.test(id.email) &&
      !id.crossProject &&
      !id.email.endsWith(`@${gcpProject}.iam.gserviceaccount.com`)
    ) {
      issues.add(
        `${at}.email`,
        `"${id.email}" is not a service account of ${gcpProject}, this stack's project: a ${stack} identity from another project (another stack's, say) would read these secrets.`,
        `use an account of ${gcpProject}: ${setCmd(stack, `${at}.email`, `${consumer}-runtime@${gcpProject}.iam.gserviceaccount.com`)}; or, if it is another project's on purpose, ${setCmd(stack, `${at}.crossProject`, "true")}`,
      );
    }
    if (id && "email" in id && !PATTERNS.serviceAccountEmail.re.test(id.email)) {
      issues.add(
        `${at}.email`,
        `"${id.email}" is not a valid service-account email: expected ${PATTERNS.serviceAccountEmail.rule}.`,
        setCmd(
          stack,
          `${at}.email`,
          `${consumer}-runtime@${gcpProject || "my-gcp-project"}.iam.gserviceaccount.com`,
        ),
      );
    }
  }

  const replicationLocations = json<string[]>("replicationLocations", []);
  const kms = json<KmsConfig>("kms", { keys: {}, required: false });
  checkKms(kms, replicationLocations, gcpProject, key, issues, stack);
  const verify = json<VerifyConfig | undefined>("verify", undefined);
  const rollout = json<RolloutConfig | undefined>("rollout", undefined);
  checkRunbookConfig(stack, verify, rollout, issues, key);

  return {
    stack: stack as StackName,
    gcpProject,
    owner,
    secretIdPrefix,
    replicationLocations,
    versionDestroyTtlDays,
    deletionProtection,
    manageAuditConfig: bool("manageAuditConfig") ?? true,
    identities,
    rotations: json<Record<string, string>>("rotations", {}),
    previousKeepers: json<Record<string, string>>("previousKeepers", {}),
    activeUsers: json<Record<string, DatabaseUserSlot>>("activeUsers", {}),
    sources: json<Record<string, SourceConfig>>("sources", {}),
    plain: json<Record<string, string>>("plain", {}),
    verify,
    rollout,
    targets: validateTargets(json<RawTargets>("targets", {}), {
      stack,
      fullKey: key,
      secretIdPrefix,
      issues,
    }),
    notifications: json<NotificationsConfig>("notifications", { emails: [], channels: [] }),
    kms,
    emergencyAccess: json<EmergencyAccessConfig[]>("emergencyAccess", []),
    sealedValues: json<SealedValuesConfig | undefined>("sealedValues", undefined),
  };
}
