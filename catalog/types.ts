/**
 * Types of the secret catalog: the guide's ownership matrix as data (DESIGN.md §3).
 * Everything else (the model, the plan, `.env.example`, the docs' matrix, the policy) derives from it.
 */

/** Who can receive a variable. `mobile` exists so the catalog can say "never" in data. */
export const CONSUMERS = ["api", "worker", "mobile", "ci"] as const;
export type Consumer = (typeof CONSUMERS)[number];

/** Consumers that can run on GCP with a runtime identity (CI runs through Cloud Build). */
export const GCP_CONSUMERS = ["api", "worker", "ci"] as const;
export type GcpConsumer = (typeof GCP_CONSUMERS)[number];

/**
 * Where a secret value comes from.
 * - `generated`: a `random.RandomPassword` (D1), replaced when its keeper changes.
 * - `external`: encrypted stack config set with `pulumi config set --secret` (a provider's API key).
 * - `cloudSql`: a generated password applied to a Cloud SQL user per consumer and composed into a URL (D1a).
 * - `memorystore`: the AUTH string of a Memorystore for Redis instance, composed into a URL (D1a).
 * - `gcsHmac`: a GCS HMAC key of the consumer's runtime identity (D1a).
 */
export const SOURCE_KINDS = [
  "generated",
  "external",
  "cloudSql",
  "memorystore",
  "gcsHmac",
] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/**
 * What kind of non-secret value a plain variable carries (the guide's "explicitly not secrets"),
 * and so how its value is checked: `path` one line without control characters, `url` https (http
 * only on loopback) and ASCII, `flag` true or false, `tuning` a whole number within its bounds.
 */
export type PlainKind = "path" | "url" | "flag" | "tuning";

/**
 * How an application developer gets a developer-scoped value for a variable on their own machine
 * (`pegasus-secrets env:local` and `.env.example`; the guide's "Local development" rules).
 * Never a production value, and never a secret: `validateCatalog` (model/catalog.ts) refuses a
 * `value` on a generated secret and accepts, for any other secret, only a loopback service URL
 * without credentials.
 */
export interface LocalDevelopment {
  /**
   * The value `env:local` writes: a local default of plain config (`./var/plc`), or the URL of a
   * service on the developer's machine (`postgresql://localhost:5432/pegasus_dev`).
   */
  value?: string;
  /** How a developer obtains their own non-production value; shown above the variable. */
  instructions?: string;
}

interface BaseEntry {
  /** Environment variable name, e.g. `OPENAI_API_KEY`. */
  name: string;
  /** One line for humans: shown in the plan, `.env.example` and the docs' matrix. */
  description: string;
  /** Who receives it. Exactly the guide's matrix row. */
  consumers: Consumer[];
  /** The matrix's "Notes" column. */
  notes: string;
  /** Local development value or instructions. Required for variables the API or worker read that
   * `env:local` cannot generate and that have no `default`; checked by `validateCatalog`
   * (model/catalog.ts). */
  local?: LocalDevelopment;
}

/** A secret: stored in Secret Manager, granted to runtime identities, delivered to platforms. */
export interface SecretEntry extends BaseEntry {
  kind: "secret";
  /** Value sources this variable supports; stack config picks one (`sources`), else `defaultSource`. */
  sources: SourceKind[];
  defaultSource: SourceKind;
  /**
   * `perConsumer`: one value per consumer (the guide's "separate keys for API vs worker where possible").
   * `shared`: one value every consumer reads, where separation is impossible (one Redis AUTH string).
   */
  scope: "perConsumer" | "shared";
  /** Rotation period in days; the guide caps it at 90. */
  rotationDays: number;
  /**
   * Signing keys rotate with an overlap window: current and previous stay valid until `finalize`.
   * The previous value is delivered as `<NAME>_PREVIOUS`.
   */
  overlap: boolean;
  /** Length of a generated value. */
  length?: number;
  /** For `gcsHmac`: which field of the HMAC key this variable carries. */
  hmacField?: "accessId" | "secret";
  /** A variable whose value is produced by another's resource rotates with it (one HMAC key, two fields). */
  rotatesWith?: string;
  /** Restricts a consumer's use, e.g. CI's OpenAI key is for tests only. Recorded as an annotation. */
  usage?: Partial<Record<Consumer, string>>;
  /**
   * Who issues the value when it is external, and where an operator creates and revokes it: a
   * rotation's `finalize` names this page and asks the operator to confirm the old value was revoked
   * there. Required for a secret that may come from `external`.
   */
  issuer?: Issuer;
}

/** The system that issues an external value, and its console page for keys. */
export interface Issuer {
  /** `OpenAI`, `the webhook sender`. */
  name: string;
  /** Where keys are created and revoked: a URL, or where to find it. */
  console: string;
}

/** Plain config: never enters Secret Manager; delivered as ordinary variables. */
export interface PlainEntry extends BaseEntry {
  kind: "plain";
  plainKind: PlainKind;
  /** For `tuning`: the smallest and largest whole number accepted. */
  range?: { min: number; max: number };
  /** Default value; when absent the stack must set `pegasus-secrets:plain.<NAME>`. */
  default?: string;
}

export type CatalogEntry = SecretEntry | PlainEntry;
