/**
 * Where each secret value comes from, decided here once (DESIGN.md D1, D1a): `stacks/` only
 * materialises a {@link ValueSource} into resources and never decides a user name, a config key
 * or which HMAC key a variable shares.
 */
import { CATALOG, CatalogEntry, Consumer, GcpConsumer } from "../catalog";
import type { SourceConfig } from "./config";
import { lowerCamel } from "./naming";

/** How one secret value is produced, with everything its resources need. */
export type ValueSource =
  /** A `random.RandomPassword` per live generation (the current one, and a signing key's previous one). */
  | { kind: "generated"; keeper: string; previousKeeper?: string; length: number }
  /** Encrypted stack config (`pulumi config set --secret <configKey>`). */
  | { kind: "external"; configKey: string }
  /** A generated password set on a Cloud SQL user of this consumer, composed into a URL. */
  | {
      kind: "cloudSql";
      instance: string;
      /** The database user (one per consumer, least privilege). */
      username: string;
      host: string;
      port: number;
      database: string;
      sslMode: "disable" | "require" | "verify-ca" | "verify-full";
      keeper: string;
      length: number;
    }
  /** The AUTH string a Memorystore instance issues, composed into a URL. */
  | { kind: "memorystore"; instance: string; region: string }
  /**
   * One field of a GCS HMAC key of a runtime identity. Both fields of one key (access ID and
   * secret) name the same `keyName`, so the stack creates the key once and both variables carry it.
   */
  | {
      kind: "gcsHmac";
      keyName: string;
      keyOwner: GcpConsumer;
      field: "accessId" | "secret";
      keeper: string;
    };

/** The secret config key of an external value: `openaiApiKeyApi`, `redisUrl`. */
export const externalConfigKey = (variable: string, scope: Consumer | "shared"): string =>
  lowerCamel(variable) + (scope === "shared" ? "" : scope.charAt(0).toUpperCase() + scope.slice(1));

/** The scopes one catalog secret is stored under: `shared`, or one per consumer that can hold it. */
export const scopesOf = (e: CatalogEntry): (Consumer | "shared")[] => {
  const receivers = e.consumers.filter((c) => c !== "mobile");
  return e.kind === "secret" && e.scope === "shared" ? ["shared"] : receivers;
};

/** Every config key an external value can live in, for any source choice the catalog allows. */
export const possibleExternalKeys = (catalog: CatalogEntry[] = CATALOG): string[] =>
  catalog.flatMap((e) =>
    e.kind === "secret" && e.sources.includes("external")
      ? scopesOf(e).map((s) => externalConfigKey(e.name, s))
      : [],
  );

/** Cloud SQL user name of a consumer: `staging_api` (the prefix with `_` for `-`). */
export const cloudSqlUsername = (secretIdPrefix: string, scope: Consumer | "shared"): string =>
  `${secretIdPrefix.replace(/-/g, "_")}_${scope === "shared" ? "app" : scope}`;

/** What {@link valueSource} needs to know about one stored value. */
export interface ValueSourceInput {
  variable: string;
  scope: Consumer | "shared";
  source: SourceConfig;
  keeper: string;
  previousKeeper?: string;
  length: number;
  hmacField?: "accessId" | "secret";
  secretIdPrefix: string;
}

/** The value source of one stored value, from the stack's choice of source for its variable. */
export function valueSource(v: ValueSourceInput): ValueSource {
  const s = v.source;
  switch (s.kind) {
    case "generated":
      return {
        kind: "generated",
        keeper: v.keeper,
        ...(v.previousKeeper !== undefined ? { previousKeeper: v.previousKeeper } : {}),
        length: v.length,
      };
    case "external":
      return { kind: "external", configKey: externalConfigKey(v.variable, v.scope) };
    case "cloudSql":
      return {
        kind: "cloudSql",
        instance: s.instance,
        username: cloudSqlUsername(v.secretIdPrefix, v.scope),
        host: s.host,
        port: s.port ?? 5432,
        database: s.database,
        sslMode: s.sslMode ?? "require",
        keeper: v.keeper,
        length: v.length,
      };
    case "memorystore":
      return { kind: "memorystore", instance: s.instance, region: s.region };
    case "gcsHmac": {
      const owner = v.scope as GcpConsumer;
      return {
        kind: "gcsHmac",
        keyName: `storage-hmac-${owner}`,
        keyOwner: owner,
        field: v.hmacField ?? "secret",
        keeper: v.keeper,
      };
    }
  }
}

/** The encrypted config key an external value lives in; undefined for any other source. */
export const configKeyOf = (v: ValueSource): string | undefined =>
  v.kind === "external" ? v.configKey : undefined;
