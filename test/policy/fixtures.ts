/**
 * Compliant resources of one small stack, as the offline plan and the policy pack see them, for the
 * policy tests. Each test changes one property to make one rule fail.
 */
import { contextFromConfig, RuleContext, RuleResource, TYPES } from "../../policy/rules";

export const GCP_PROJECT = "pegasus-staging";
export const API_EMAIL = `staging-api@${GCP_PROJECT}.iam.gserviceaccount.com`;
export const WORKER_EMAIL = `staging-worker@${GCP_PROJECT}.iam.gserviceaccount.com`;
/** CI's runtime identity, referenced by email in the fixture's config (the same account the staging fixture stack creates). */
export const CI_EMAIL = `staging-ci@${GCP_PROJECT}.iam.gserviceaccount.com`;

export const account = (accountId: string): RuleResource => ({
  type: TYPES.account,
  name: `${accountId}-identity`,
  inputs: { accountId, project: GCP_PROJECT, displayName: `Pegasus ${accountId}` },
});

export const secret = (name: string, inputs: Record<string, unknown> = {}): RuleResource => ({
  type: TYPES.secret,
  name,
  inputs: {
    secretId: `staging-${name}`,
    project: GCP_PROJECT,
    labels: { "managed-by": "pegasus-secrets", "consumer-api": "true" },
    annotations: { "pegasus.dev/consumers": "api" },
    replication: { auto: {} },
    rotation: { rotationPeriod: "7776000s", nextRotationTime: "2027-02-28T00:00:00Z" },
    topics: [{ name: `projects/${GCP_PROJECT}/topics/staging-secret-rotation` }],
    versionDestroyTtl: "604800s",
    deletionProtection: false,
    ...inputs,
  },
});

export const version = (name: string, inputs: Record<string, unknown> = {}): RuleResource => ({
  type: TYPES.version,
  name: `${name}-version-ac1b5c09`,
  inputs: {
    secret: `${name}-id`,
    secretData: "[secret]",
    deletionPolicy: "DISABLE",
    enabled: true,
    ...inputs,
  },
});

export const binding = (
  name: string,
  members: unknown,
  inputs: Record<string, unknown> = {},
): RuleResource => ({
  type: "gcp:secretmanager/secretIamBinding:SecretIamBinding",
  name: `${name}-accessors`,
  inputs: {
    project: GCP_PROJECT,
    secretId: `staging-${name}`,
    role: "roles/secretmanager.secretAccessor",
    members,
    ...inputs,
  },
});

export const auditConfig = (inputs: Record<string, unknown> = {}): RuleResource => ({
  type: TYPES.auditConfig,
  name: "secret-audit",
  inputs: {
    project: GCP_PROJECT,
    service: "secretmanager.googleapis.com",
    auditLogConfigs: [
      { logType: "ADMIN_READ" },
      { logType: "DATA_READ" },
      { logType: "DATA_WRITE" },
    ],
    ...inputs,
  },
});

export const randomPassword = (name: string): RuleResource => ({
  type: TYPES.randomPassword,
  name,
  inputs: { length: 64, special: false, keepers: { generation: "initial" } },
});

/** A small compliant stack: two identities, one secret with its version and grant, audit logging. */
export const compliantStack = (): RuleResource[] => [
  account("staging-api"),
  account("staging-worker"),
  auditConfig(),
  randomPassword("jwt-secret-value-ac1b5c09"),
  secret("jwt-secret"),
  version("jwt-secret"),
  binding("jwt-secret", [`serviceAccount:${API_EMAIL}`]),
  secret("openai-api-key-ci", {
    labels: { "consumer-ci": "true" },
    annotations: { "pegasus.dev/consumers": "ci" },
  }),
  version("openai-api-key-ci"),
  binding("openai-api-key-ci", [`serviceAccount:${CI_EMAIL}`]),
];

/** The stack config the engine would pass: the API and worker created, CI referenced by email. */
export const STACK_CONFIG: Record<string, string> = {
  "gcp:project": GCP_PROJECT,
  "pegasus-secrets:secretIdPrefix": "staging",
  "pegasus-secrets:identities": JSON.stringify({
    api: { accountId: "staging-api" },
    worker: { accountId: "staging-worker" },
    ci: { email: CI_EMAIL },
  }),
};

/** The rule context of the small stack, from its config plus `config` (a key set to undefined is removed). */
export const context = (
  overrides: Partial<RuleContext> = {},
  config: Record<string, string | undefined> = {},
): RuleContext => ({
  ...contextFromConfig("staging", { ...STACK_CONFIG, ...config }),
  ...overrides,
});

/** Every policy of the pack, in the order the PR comment lists them. */
export const POLICY_NAMES = [
  "accessor-members-are-runtime-identities",
  "one-accessor-binding-per-secret",
  "ownership-matrix",
  "no-project-level-secret-access",
  "no-human-or-public-members",
  "secret-access-audit-logging",
  "generated-values-from-random-password",
  "secret-versions-never-deleted",
  "production-secrets-protected",
  "rotation-at-most-90-days",
  "nothing-secret-to-mobile",
  "plain-values-not-credentials",
  "secret-values-from-secret-sources",
  "runtime-identities-own-project",
  "secrets-encrypted-when-required",
];
