import { CatalogEntry } from "./types";

export * from "./types";

/** The guide caps high-impact secrets at 90 days (baseline rule 5). */
export const ROTATION_DAYS = 90;

/**
 * The catalog: every variable of the secrets-management guide, as data.
 *
 * The first five entries are the guide's ownership matrix, row by row; the others are the secrets it
 * names in "Secrets in scope" (object storage credentials, signed-URL and webhook keys) and examples of
 * what it calls "explicitly not secrets" (feature flags, public URLs, tuning values). `mobile` receives
 * no secret: that is the matrix's ❌ column, enforced by validation, the policy pack and the tests.
 */
export const CATALOG: CatalogEntry[] = [
  {
    name: "OPENAI_API_KEY",
    kind: "secret",
    description: "OpenAI API key (a provider token).",
    consumers: ["api", "worker", "ci"],
    notes: "separate prod/staging keys",
    local: {
      instructions:
        "create a personal key in your own OpenAI project (platform.openai.com/api-keys) with a low spending limit; never the staging or production key.",
    },
    sources: ["external"],
    defaultSource: "external",
    scope: "perConsumer",
    rotationDays: ROTATION_DAYS,
    overlap: false,
    usage: { ci: "tests-only" },
    issuer: {
      name: "OpenAI",
      console: "https://platform.openai.com/api-keys (the project of this stack)",
    },
  },
  {
    name: "DATABASE_URL",
    kind: "secret",
    description: "PostgreSQL connection URL with this consumer's own database user.",
    consumers: ["api", "worker", "ci"],
    notes: "production DB creds never used locally",
    local: {
      value: "postgresql://localhost:5432/pegasus_dev",
      instructions:
        "a PostgreSQL on your machine with a database `pegasus_dev`; add the user and password of that local database to the URL if it needs them. Production database credentials are never used locally.",
    },
    sources: ["cloudSql", "external"],
    defaultSource: "external",
    scope: "perConsumer",
    rotationDays: ROTATION_DAYS,
    overlap: false,
    length: 32,
    issuer: {
      name: "the database provider",
      console:
        "the provider's users or credentials page for this database (only when the source is external)",
    },
  },
  {
    name: "REDIS_URL",
    kind: "secret",
    description: "Redis (queue) connection URL including its AUTH string.",
    consumers: ["api", "worker", "ci"],
    notes: "isolate by environment",
    local: {
      value: "redis://localhost:6379/0",
      instructions:
        "a Redis on your machine, e.g. `docker run -p 6379:6379 redis`; never the staging or production instance (isolate by environment).",
    },
    sources: ["external", "memorystore"],
    defaultSource: "external",
    // A Redis instance issues one AUTH string: separate API and worker values are not possible.
    scope: "shared",
    rotationDays: ROTATION_DAYS,
    overlap: false,
    issuer: {
      name: "the Redis provider",
      console:
        "the provider's access or ACL page for this instance (only when the source is external)",
    },
  },
  {
    name: "PLC_STORAGE_DIR",
    kind: "plain",
    description: "Directory for PLC artefacts.",
    consumers: ["api", "worker", "ci"],
    notes: "non-secret path; keep env-specific",
    local: {
      value: "./var/plc",
      instructions: "a directory on your machine, relative to the app checkout.",
    },
    plainKind: "path",
  },
  {
    name: "JWT_SECRET",
    kind: "secret",
    description: "Signing key for the API's session tokens.",
    consumers: ["api"],
    notes: "rotate with overlap window",
    sources: ["generated"],
    defaultSource: "generated",
    scope: "shared",
    rotationDays: ROTATION_DAYS,
    overlap: true,
    length: 64,
  },
  {
    name: "SIGNED_URL_KEY",
    kind: "secret",
    description: "Signing key for the download URLs the API issues and verifies.",
    consumers: ["api"],
    notes: "signing key; rotate with overlap window",
    sources: ["generated"],
    defaultSource: "generated",
    scope: "shared",
    rotationDays: ROTATION_DAYS,
    overlap: true,
    length: 64,
  },
  {
    name: "WEBHOOK_SHARED_SECRET",
    kind: "secret",
    description: "Shared secret that verifies inbound webhook signatures; issued by the sender.",
    consumers: ["api"],
    notes: "webhook shared secret; rotate together with the sender",
    local: {
      instructions:
        "pick your own random value (`openssl rand -hex 32`) and sign your local test webhooks with it; never the sender's real secret.",
    },
    sources: ["external"],
    defaultSource: "external",
    scope: "shared",
    rotationDays: ROTATION_DAYS,
    overlap: false,
    issuer: {
      name: "the webhook sender",
      console: "the sender's webhook settings, where the signing secret is rolled",
    },
  },
  {
    name: "AWS_ACCESS_KEY_ID",
    kind: "secret",
    description: "Object storage access key ID (S3-compatible; a GCS HMAC key's access ID).",
    consumers: ["api", "worker"],
    notes: "object storage credentials; one key per runtime identity",
    local: {
      instructions:
        "the access key of object storage on your machine (an S3-compatible server such as MinIO) or of a sandbox bucket of your own; never a runtime identity's key.",
    },
    sources: ["gcsHmac", "external"],
    defaultSource: "gcsHmac",
    scope: "perConsumer",
    rotationDays: ROTATION_DAYS,
    overlap: false,
    hmacField: "accessId",
    rotatesWith: "AWS_SECRET_ACCESS_KEY",
    issuer: {
      name: "the object storage provider",
      console: "the provider's access keys page (only when the source is external)",
    },
  },
  {
    name: "AWS_SECRET_ACCESS_KEY",
    kind: "secret",
    description: "Object storage secret access key (S3-compatible; a GCS HMAC key's secret).",
    consumers: ["api", "worker"],
    notes: "object storage credentials; one key per runtime identity",
    local: {
      instructions:
        "the secret key that goes with AWS_ACCESS_KEY_ID above (local object storage or your own sandbox bucket); never a runtime identity's key.",
    },
    sources: ["gcsHmac", "external"],
    defaultSource: "gcsHmac",
    scope: "perConsumer",
    rotationDays: ROTATION_DAYS,
    overlap: false,
    hmacField: "secret",
    issuer: {
      name: "the object storage provider",
      console: "the provider's access keys page (only when the source is external)",
    },
  },
  {
    name: "PUBLIC_API_URL",
    kind: "plain",
    description: "Public base URL of the API.",
    consumers: ["api", "worker", "mobile"],
    notes: "public URL: not a secret",
    local: {
      value: "http://localhost:8080",
      instructions: "where your local API listens.",
    },
    plainKind: "url",
  },
  {
    name: "FEATURE_GENERATE_V2",
    kind: "plain",
    description: "Feature flag for the second-generation generate pipeline.",
    consumers: ["api", "worker", "mobile"],
    notes: "feature flag: not a secret",
    plainKind: "flag",
    default: "false",
  },
  {
    name: "HTTP_TIMEOUT_MS",
    kind: "plain",
    description: "Outbound HTTP timeout in milliseconds.",
    consumers: ["api", "worker"],
    notes: "tuning value: not a secret",
    plainKind: "tuning",
    range: { min: 100, max: 600000 },
    default: "30000",
  },
  {
    name: "INGEST_BATCH_SIZE",
    kind: "plain",
    description: "How many documents the worker ingests per batch.",
    consumers: ["worker"],
    notes: "tuning value: not a secret",
    plainKind: "tuning",
    range: { min: 1, max: 10000 },
    default: "50",
  },
];
