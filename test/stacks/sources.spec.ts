import { planJson } from "../../cli/plan";
import { canaryValueGenerator, planStack } from "../helpers";

const K = "pegasus-secrets";

describe("value sources a stack can choose (D1a)", () => {
  it("composes REDIS_URL from the Memorystore instance's AUTH string, kept secret", async () => {
    const { gen, issued } = canaryValueGenerator();
    const sources = {
      DATABASE_URL: {
        kind: "cloudSql",
        instance: "pegasus-staging-pg",
        host: "10.20.0.3",
        database: "pegasus",
      },
      REDIS_URL: { kind: "memorystore", instance: "pegasus-staging-redis", region: "europe-west1" },
    };
    const ev = await planStack("staging", {
      values: gen,
      overrides: { [`${K}:sources`]: JSON.stringify(sources) },
    });
    const redis = ev.model.secrets.find((s) => s.variable === "REDIS_URL");
    expect(redis?.source).toEqual(sources.REDIS_URL);
    // No external key is needed for it any more.
    expect(ev.model.externalKeys.map((k) => k.key)).not.toContain("redisUrl");
    const version = ev.resources.find((r) => r.name.startsWith("redis-url-version-"));
    expect(version?.inputs.secretData).toBe("[secret]");
    const authString = issued.find((v) => JSON.stringify(ev.resources).includes(v));
    expect(authString).toBeUndefined();
    expect(JSON.stringify(planJson(ev))).not.toContain(issued[issued.length - 1]);
  });

  it("takes DATABASE_URL from encrypted config per consumer when its source is external", async () => {
    const ev = await planStack("staging", {
      overrides: { [`${K}:sources`]: JSON.stringify({ DATABASE_URL: { kind: "external" } }) },
    });
    expect(ev.resources.filter((r) => r.type === "gcp:sql/user:User")).toEqual([]);
    expect(
      ev.model.externalKeys.filter((k) => k.variable === "DATABASE_URL").map((k) => k.key),
    ).toEqual(["databaseUrlApi", "databaseUrlWorker", "databaseUrlCi"]);
    expect(planJson(ev).externalValues.find((e) => e.key === "databaseUrlWorker")?.command).toBe(
      "pulumi config set --secret databaseUrlWorker --stack staging",
    );
  });

  it("refuses a source with a malformed field, naming the field", async () => {
    await expect(
      planStack("staging", {
        overrides: {
          [`${K}:sources`]: JSON.stringify({
            REDIS_URL: { kind: "memorystore", instance: "r", region: "Europe" },
          }),
        },
      }),
    ).rejects.toThrow(`\`${K}:sources.REDIS_URL.region\``);
  });
});
