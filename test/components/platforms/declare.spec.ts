/**
 * What `declareDeliveries` declares for a stack, seen through the offline plan: one writer per
 * platform and consumer, after Secret Manager, with values redacted and no credential anywhere.
 */
import { randomBytes } from "crypto";
import { planJson, planText } from "../../../cli/plan";
import { deliveryRows, planDeliveries } from "../../../model";
import { canaryValueGenerator, planStack } from "../../helpers";
import { setEnv } from "./kit";

describe("the offline plan shows deliveries, never a value", () => {
  it("lists one row per delivered variable, secrets as [secret], with no value or credential anywhere", async () => {
    const { gen, issued } = canaryValueGenerator();
    const credentials = {
      RENDER_API_KEY: `canary${randomBytes(12).toString("hex")}`,
      FLY_API_TOKEN: `canary${randomBytes(12).toString("hex")}`,
      RAILWAY_API_TOKEN: `canary${randomBytes(12).toString("hex")}`,
    };
    const restore = setEnv(credentials);
    const ev = await planStack("staging", { values: gen }).finally(restore);
    issued.push(...Object.values(credentials));
    const plan = planJson(ev);
    const expected = deliveryRows(planDeliveries(ev.model));
    expect(plan.deliveries.map(({ value: _v, ...row }) => row)).toEqual(expected);
    expect(plan.deliveries.length).toBeGreaterThan(0);
    for (const row of plan.deliveries) {
      if (row.kind === "secret") expect(row.value).toBe("[secret]");
      else expect(row.value).toBe(ev.model.plain.find((p) => p.variable === row.variable)!.value);
    }
    const text = planText(plan);
    expect(text).toContain(
      "  fly / worker: Fly.io app pegasus-staging-worker (app secrets)\n    secrets ([secret]): OPENAI_API_KEY, DATABASE_URL, REDIS_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY\n    plain: PLC_STORAGE_DIR, PUBLIC_API_URL, FEATURE_GENERATE_V2, HTTP_TIMEOUT_MS, INGEST_BATCH_SIZE",
    );
    expect(issued.length).toBeGreaterThan(0);
    const everything = JSON.stringify(plan) + text;
    for (const v of issued) expect(everything).not.toContain(v);

    // Each delivery is its own resource (a later gate can order them), written after Secret Manager.
    const writers = ev.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/pegasus:"));
    expect(writers.map((r) => `${r.type.split(":").pop()}::${r.name}`).sort()).toEqual(
      [
        "FlyAppSecrets::fly-api",
        "FlyAppSecrets::fly-worker",
        "RailwayVariables::railway-api",
        "RailwayVariables::railway-worker",
        "RenderEnvGroup::render-api",
        "RenderEnvGroup::render-worker",
      ].sort(),
    );
    const defaults: Record<string, string> = {
      render: "deploy",
      fly: "update-machines",
      railway: "redeploy",
    };
    for (const w of writers) {
      expect([w.inputs.activation, w.inputs.adopt]).toEqual([
        defaults[w.name.split("-")[0]],
        false,
      ]);
    }
    for (const w of writers) {
      expect(w.inputs.secrets).toBe("[secret]");
      expect(String(w.inputs.__provider)).toMatch(/^\[serialized provider, \d+ bytes\]$/);
      const delivery = planDeliveries(ev.model).find((d) => d.name === w.name)!;
      expect(w.inputs.vars).toEqual(
        Object.fromEntries(delivery.plain.map((p) => [p.key, p.value])),
      );
      const versions = new Set(delivery.secrets.map((s) => s.secret.name));
      for (const name of versions) expect(w.options.dependencies).toContain(name);
    }
  });
});
