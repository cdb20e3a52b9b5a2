/**
 * The program's config keys, one row each: type and description. `Pulumi.yaml`'s typed config, the
 * README's config reference and the unknown-key check are all checked against this table.
 */
/** Program config keys, with type and description: the source of `Pulumi.yaml`'s typed config and the README table. */
export const CONFIG_KEYS = {
  owner: {
    type: "string",
    description: "Team that owns these secrets (label `owner` on every secret).",
  },
  secretIdPrefix: {
    type: "string",
    description:
      "Prefix of every Secret Manager secret ID; defaults to the stack name. Distinct per stack, so stacks can share a GCP project.",
  },
  replicationLocations: {
    type: "array",
    description: "Secret Manager replica regions; empty or unset means automatic replication.",
  },
  versionDestroyTtlDays: {
    type: "integer",
    description:
      "Days a destroyed secret version stays recoverable (delayed destruction); default 7.",
  },
  deletionProtection: {
    type: "boolean",
    description: "Protect secrets from deletion; always on in production, default off in staging.",
  },
  manageAuditConfig: {
    type: "boolean",
    description:
      "Whether this stack owns the project's Secret Manager Data Access audit config (exactly one stack per GCP project); default true.",
  },
  identities: {
    type: "object",
    description:
      "Runtime identity per GCP consumer (`api`, `worker`, `ci`): `{accountId}` to create, `{email}` to reference. Default: all three created.",
  },
  rotations: {
    type: "object",
    description: "Variable name -> rotation keeper. Changing a keeper rotates that variable only.",
  },
  previousKeepers: {
    type: "object",
    description:
      "Variable name -> keeper of the previous value, still valid while a rotation is open (until `finalize` revokes it).",
  },
  activeUsers: {
    type: "object",
    description:
      "Variable name -> which of the consumer's two Cloud SQL users (`a` or `b`) is live; `rotate` flips it (dual-user rotation). Default `a`.",
  },
  sources: {
    type: "object",
    description:
      "Variable name -> value source (`{kind: cloudSql, instance, host, database}`, `{kind: memorystore, instance, region}`, `{kind: external}`, ...).",
  },
  plain: {
    type: "object",
    description:
      "Variable name -> value of plain (non-secret) config such as PLC_STORAGE_DIR and PUBLIC_API_URL.",
  },
  verify: {
    type: "object",
    description:
      "What `pegasus-secrets verify` checks: `ready` (service -> `/health/ready` URL) and `smoke` (the ingest-to-generate flow as HTTP steps), with timeouts (docs/runbook.md).",
  },
  rollout: {
    type: "object",
    description:
      "Production's staggered rollout: `order` (services, one at a time), each followed by a readiness gate (`timeoutSeconds`, `intervalSeconds`, `successes`).",
  },
  notifications: {
    type: "object",
    description:
      "Who the alerts notify (rotation due, unexpected secret access): `emails` (channels the stack creates) and `channels` (existing notification channels). None in production is a plan warning.",
  },
  kms: {
    type: "object",
    description:
      "Customer-managed encryption: `keys` (replica location -> Cloud KMS key; `global` for automatic replication) and `required` (the policy then refuses a secret without it).",
  },
  sealedValues: {
    type: "object",
    description:
      "External values sealed with a Cloud KMS key, so operators need only encrypt rights: `key` (the sealing key) and `values` (config key -> ciphertext, written by `pegasus-secrets seal`).",
  },
  emergencyAccess: {
    type: "object",
    description:
      "Time-boxed break-glass reads of one secret by one person during an incident; written by `grant-access`, removed by `revoke-access`.",
  },
  targets: {
    type: "object",
    description:
      "Platforms that receive the API's and worker's variables: `render` `{ownerId, services: {api: [srv-...], worker: [...]}, activation?, groupPrefix?, adopt?}`, `fly` `{apps: {api, worker}, activation?, adopt?}`, `railway` `{projectId, environmentId, services: {api, worker}, activation?, adopt?}` (docs/platforms.md). Default: none.",
  },
} as const;
