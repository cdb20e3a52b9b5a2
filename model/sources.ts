/**
 * Where each secret value comes from, decided here once (DESIGN.md D1, D1a): `stacks/` only
 * materialises a {@link ValueSource} into resources and never decides a user name, a config key
 * or which HMAC key a variable shares.
 */
import { CATALOG, CatalogEntry, Consumer, GcpConsumer } from "../catalog";
import type { DatabaseUserSlot, SourceConfig } from "./config";
import { lowerCamel, shortHash } from "./naming";

/** How one secret value is produced, with everything its resources need. */
export type ValueSource =
  /** A `random.RandomPassword` per live generation (the current one, and a signing key's previous one). */
  | { kind: "generated"; keeper: string; previousKeeper?: string; length: number }
  /** Encrypted stack config (`pulumi config set --secret <configKey>`). */
  | { kind: "external"; configKey: string }
  /**
   * Generated passwords on two Cloud SQL users of this consumer, used alternately (dual-user
   * rotation): the URL names the current user; while a rotation is open the previous user keeps its
   * password, so every running instance stays connected until `finalize` retires it.
   */
  | {
      kind: "cloudSql";
      instance: string;
      host: string;
      port: number;
      database: string;
      sslMode: "disable" | "require" | "verify-ca" | "verify-full";
      length: number;
      /** Both users, in slot order (`a`, `b`). */
      users: DatabaseUser[];
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
      /** While a rotation is open, the previous key stays ACTIVE until `finalize`. */
      previousKeeper?: string;
    };

/** One of a consumer's two database users and the generation of its password. */
export interface DatabaseUser {
  slot: DatabaseUserSlot;
  /** Database user name: `staging_api_a`. */
  username: string;
  /**
   * Names the password generation: the current keeper, the previous keeper while a rotation is
   * open, or, for the idle user, a value derived from the current keeper that nothing receives
   * (so retiring a user replaces its password with one nobody holds).
   */
  passwordKeeper: string;
  /** `current`: in DATABASE_URL; `previous`: still valid until finalize; `idle`: password retired. */
  role: "current" | "previous" | "idle";
}

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

/** Cloud SQL user name of a consumer's slot: `staging_api_a` (the prefix with `_` for `-`). */
export const cloudSqlUsername = (
  secretIdPrefix: string,
  scope: Consumer | "shared",
  slot: DatabaseUserSlot,
): string => `${secretIdPrefix.replace(/-/g, "_")}_${scope === "shared" ? "app" : scope}_${slot}`;

/**
 * The two users of a dual-user credential. The active slot holds the current keeper; the other
 * holds the previous keeper while a rotation is open, else an idle password keyed by the current
 * keeper, which changes at every rotation: a retired password is never one that was delivered.
 */
export function databaseUsers(
  secretIdPrefix: string,
  scope: Consumer | "shared",
  active: DatabaseUserSlot,
  keeper: string,
  previousKeeper: string | undefined,
): DatabaseUser[] {
  return (["a", "b"] as const).map((slot) => {
    const username = cloudSqlUsername(secretIdPrefix, scope, slot);
    if (slot === active) return { slot, username, passwordKeeper: keeper, role: "current" };
    return previousKeeper !== undefined
      ? { slot, username, passwordKeeper: previousKeeper, role: "previous" }
      : { slot, username, passwordKeeper: `idle.${shortHash(keeper)}`, role: "idle" };
  });
}

/** What {@link valueSource} needs to know about one stored value. */
export interface ValueSourceInput {
  variable: string;
  scope: Consumer | "shared";
  source: SourceConfig;
  keeper: string;
  previousKeeper?: string;
  /** For `cloudSql`: the slot of the user that holds the current keeper. */
  activeUser: DatabaseUserSlot;
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
        host: s.host,
        port: s.port ?? 5432,
        database: s.database,
        sslMode: s.sslMode ?? "require",
        length: v.length,
        users: databaseUsers(v.secretIdPrefix, v.scope, v.activeUser, v.keeper, v.previousKeeper),
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
        ...(v.previousKeeper !== undefined ? { previousKeeper: v.previousKeeper } : {}),
      };
    }
  }
}

/** The encrypted config key an external value lives in; undefined for any other source. */
export const configKeyOf = (v: ValueSource): string | undefined =>
  v.kind === "external" ? v.configKey : undefined;
