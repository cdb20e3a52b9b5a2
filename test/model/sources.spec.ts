// The value-source model: every decision about where a value comes from, before any resource.
import { CATALOG, CatalogEntry } from "../../catalog";
import { shortHash } from "../../model/naming";
import {
  cloudSqlUsername,
  databaseUsers,
  configKeyOf,
  externalConfigKey,
  possibleExternalKeys,
  scopesOf,
  valueSource,
  ValueSourceInput,
} from "../../model";

const input = (over: Partial<ValueSourceInput>): ValueSourceInput => ({
  variable: "DATABASE_URL",
  scope: "api",
  source: { kind: "external" },
  keeper: "initial",
  activeUser: "a",
  length: 32,
  secretIdPrefix: "staging",
  ...over,
});

describe("valueSource", () => {
  it("names the encrypted config key of an external value per consumer, or once when shared", () => {
    expect(valueSource(input({}))).toEqual({ kind: "external", configKey: "databaseUrlApi" });
    expect(valueSource(input({ variable: "REDIS_URL", scope: "shared" }))).toEqual({
      kind: "external",
      configKey: "redisUrl",
    });
  });

  it("gives each consumer two Cloud SQL users, the URL's defaults filled in", () => {
    const v = valueSource(
      input({
        scope: "worker",
        secretIdPrefix: "prod-eu",
        keeper: "2026-11-29.1",
        source: { kind: "cloudSql", instance: "pg", host: "10.0.0.3", database: "pegasus" },
      }),
    );
    expect(v).toEqual({
      kind: "cloudSql",
      instance: "pg",
      host: "10.0.0.3",
      port: 5432,
      database: "pegasus",
      sslMode: "require",
      length: 32,
      users: [
        {
          slot: "a",
          username: "prod_eu_worker_a",
          passwordKeeper: "2026-11-29.1",
          role: "current",
        },
        {
          slot: "b",
          username: "prod_eu_worker_b",
          passwordKeeper: `idle.${shortHash("2026-11-29.1")}`,
          role: "idle",
        },
      ],
    });
  });

  it("makes both fields of one consumer's HMAC key name the same key", () => {
    const id = valueSource(
      input({ variable: "AWS_ACCESS_KEY_ID", source: { kind: "gcsHmac" }, hmacField: "accessId" }),
    );
    const secret = valueSource(
      input({
        variable: "AWS_SECRET_ACCESS_KEY",
        source: { kind: "gcsHmac" },
        hmacField: "secret",
      }),
    );
    const withPrevious = valueSource(
      input({
        variable: "AWS_SECRET_ACCESS_KEY",
        source: { kind: "gcsHmac" },
        keeper: "k2",
        previousKeeper: "k1",
      }),
    );
    expect(withPrevious).toMatchObject({ keeper: "k2", previousKeeper: "k1" });
    expect([id, secret]).toEqual([
      {
        kind: "gcsHmac",
        keyName: "storage-hmac-api",
        keyOwner: "api",
        field: "accessId",
        keeper: "initial",
      },
      {
        kind: "gcsHmac",
        keyName: "storage-hmac-api",
        keyOwner: "api",
        field: "secret",
        keeper: "initial",
      },
    ]);
  });

  it("keeps a signing key's previous keeper only when it has one", () => {
    const gen = { kind: "generated" as const };
    expect(valueSource(input({ source: gen, length: 64 }))).toEqual({
      kind: "generated",
      keeper: "initial",
      length: 64,
    });
    expect(valueSource(input({ source: gen, keeper: "b", previousKeeper: "a" }))).toEqual({
      kind: "generated",
      keeper: "b",
      previousKeeper: "a",
      length: 32,
    });
  });

  it("has a config key only for an external value", () => {
    expect(configKeyOf({ kind: "external", configKey: "redisUrl" })).toBe("redisUrl");
    expect(configKeyOf({ kind: "memorystore", instance: "r", region: "europe-west1" })).toBe(
      undefined,
    );
  });
});

describe("config keys of external values", () => {
  it.each([
    ["OPENAI_API_KEY", "ci", "openaiApiKeyCi"],
    ["WEBHOOK_SHARED_SECRET", "shared", "webhookSharedSecret"],
    ["AWS_SECRET_ACCESS_KEY", "worker", "awsSecretAccessKeyWorker"],
  ] as const)("%s for %s is %s", (variable, scope, key) => {
    expect(externalConfigKey(variable, scope)).toBe(key);
  });

  it("lists one key per scope of every secret that may be external, never for mobile", () => {
    const fake: CatalogEntry[] = [
      {
        ...(CATALOG.find((e) => e.name === "OPENAI_API_KEY") as CatalogEntry),
        consumers: ["api", "mobile"],
      },
      CATALOG.find((e) => e.name === "JWT_SECRET") as CatalogEntry,
      CATALOG.find((e) => e.name === "REDIS_URL") as CatalogEntry,
    ];
    expect(possibleExternalKeys(fake)).toEqual(["openaiApiKeyApi", "redisUrl"]);
    expect(scopesOf(fake[0])).toEqual(["api"]);
  });

  it("spells Cloud SQL users with underscores and their slot", () => {
    expect(cloudSqlUsername("staging-eu", "api", "a")).toBe("staging_eu_api_a");
    expect(cloudSqlUsername("staging", "shared", "b")).toBe("staging_app_b");
  });
});

describe("dual-user rotation", () => {
  const roles = (active: "a" | "b", keeper: string, previous?: string) =>
    databaseUsers("staging", "api", active, keeper, previous).map((u) => [
      u.slot,
      u.role,
      u.passwordKeeper,
    ]);

  it("walks stable -> rotating -> finalized, never giving a delivered password to the idle user", () => {
    // Stable on a; rotate to b (a keeps its password); finalize (a gets a password nobody holds).
    expect(roles("a", "k1")).toEqual([
      ["a", "current", "k1"],
      ["b", "idle", `idle.${shortHash("k1")}`],
    ]);
    expect(roles("b", "k2", "k1")).toEqual([
      ["a", "previous", "k1"],
      ["b", "current", "k2"],
    ]);
    expect(roles("b", "k2")).toEqual([
      ["a", "idle", `idle.${shortHash("k2")}`],
      ["b", "current", "k2"],
    ]);
  });
});
