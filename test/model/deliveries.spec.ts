/** The pure delivery model: what each consumer receives, on which platform, one row per variable. */
import { CATALOG } from "../../catalog";
import { buildModel, consumerVariables, deliveryRows, Model, planDeliveries } from "../../model";
import { stackRaw } from "../helpers";
import { VALID_TARGETS } from "./targetFixtures";

const K = "pegasus-secrets";
const TARGETS = VALID_TARGETS;
const build = (overrides: Record<string, string> = {}): Model =>
  buildModel(
    CATALOG,
    "staging",
    stackRaw("staging", { [`${K}:targets`]: JSON.stringify(TARGETS), ...overrides }),
  );

describe("deliveries (pure)", () => {
  const model = build();

  it("gives each consumer exactly its matrix row: its own values, the shared ones, and its plain config", () => {
    const names = (c: "api" | "worker") => {
      const v = consumerVariables(model, c);
      return { secrets: v.secrets.map((s) => s.key), plain: v.plain.map((p) => p.key) };
    };
    expect(names("api")).toEqual({
      secrets: [
        "OPENAI_API_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "JWT_SECRET",
        "SIGNED_URL_KEY",
        "WEBHOOK_SHARED_SECRET",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
      ],
      plain: ["PLC_STORAGE_DIR", "PUBLIC_API_URL", "FEATURE_GENERATE_V2", "HTTP_TIMEOUT_MS"],
    });
    expect(names("worker")).toEqual({
      secrets: [
        "OPENAI_API_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
      ],
      plain: [
        "PLC_STORAGE_DIR",
        "PUBLIC_API_URL",
        "FEATURE_GENERATE_V2",
        "HTTP_TIMEOUT_MS",
        "INGEST_BATCH_SIZE",
      ],
    });
    // The API's own value of a per-consumer secret, never the worker's; a shared one for both.
    const api = consumerVariables(model, "api").secrets;
    expect(api.find((s) => s.key === "DATABASE_URL")!.secretId).toBe("staging-database-url-api");
    expect(api.find((s) => s.key === "REDIS_URL")!.secretId).toBe("staging-redis-url");
  });

  it("adds <NAME>_PREVIOUS for a signing key in its overlap window", () => {
    const overlap = build({
      [`${K}:rotations`]: JSON.stringify({ JWT_SECRET: "2026-11-29.1" }),
      [`${K}:previousKeepers`]: JSON.stringify({ JWT_SECRET: "initial" }),
    });
    const jwt = consumerVariables(overlap, "api").secrets.filter(
      (s) => s.variable === "JWT_SECRET",
    );
    expect(jwt.map((s) => [s.key, s.generation])).toEqual([
      ["JWT_SECRET", "current"],
      ["JWT_SECRET_PREVIOUS", "previous"],
    ]);
    expect(consumerVariables(overlap, "worker").secrets.map((s) => s.key)).not.toContain(
      "JWT_SECRET_PREVIOUS",
    );
  });

  it("plans one delivery per platform and consumer, in a stable order, with one row per variable", () => {
    const deliveries = planDeliveries(model);
    expect(deliveries.map((d) => d.name)).toEqual([
      "render-api",
      "render-worker",
      "fly-api",
      "fly-worker",
      "railway-api",
      "railway-worker",
    ]);
    expect(deliveries[0].target).toEqual({
      platform: "render",
      ownerId: "tea-abcd1234",
      groupName: "pegasus-staging-api",
      serviceIds: ["srv-api00001"],
      activation: "deploy",
      adopt: false,
    });
    const rows = deliveryRows(deliveries);
    expect(rows).toHaveLength(3 * (12 + 10));
    expect(rows[0]).toEqual({
      variable: "OPENAI_API_KEY",
      consumer: "api",
      target: "render",
      destination:
        "Render env group pegasus-staging-api (workspace tea-abcd1234) linked to srv-api00001",
      kind: "secret",
      source: "staging-openai-api-key-api",
    });
  });
});
