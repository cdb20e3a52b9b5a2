/**
 * `targets` config, the pure delivery model, and what the offline plan shows of deliveries.
 */
import { randomBytes } from "crypto";
import { canaryValueGenerator } from "../../cli/evaluate";
import { planJson, planText } from "../../cli/plan";
import { CATALOG } from "../../catalog";
import {
  buildModel,
  ConfigError,
  consumerVariables,
  deliveryRows,
  Model,
  planDeliveries,
} from "../../model";
import { planStack, stackRaw } from "../helpers";
import { setEnv } from "./kit";

const K = "pegasus-secrets";
const build = (stack: string, overrides: Record<string, string | undefined>): Model =>
  buildModel(CATALOG, stack, stackRaw(stack, overrides));
const withTargets = (targets: unknown) => ({ [`${K}:targets`]: JSON.stringify(targets) });
const issuesOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError)
      return err.issues.map((i) => `${i.key}: ${i.problem} Fix: ${i.fix}`);
    throw err;
  }
  throw new Error("expected a ConfigError");
};

const UUID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const VALID = {
  render: {
    ownerId: "tea-abcd1234",
    services: { api: ["srv-api00001"], worker: ["srv-wrk00001"] },
  },
  fly: { apps: { api: "pegasus-t-api", worker: "pegasus-t-worker" } },
  railway: {
    projectId: UUID(1),
    environmentId: UUID(2),
    services: { api: UUID(3), worker: UUID(4) },
  },
};

describe("targets config", () => {
  it("is optional: no targets, no deliveries", () => {
    const model = build("staging", { [`${K}:targets`]: undefined });
    expect(model.config.targets).toEqual({});
    expect(planDeliveries(model)).toEqual([]);
  });

  it("applies the defaults", () => {
    const { targets } = build("staging", withTargets(VALID)).config;
    expect(targets.render).toEqual({
      ...VALID.render,
      groupPrefix: "pegasus-staging",
      activation: "deploy",
      adopt: false,
    });
    expect(targets.fly).toEqual({ ...VALID.fly, activation: "update-machines", adopt: false });
    expect(targets.railway).toEqual({ ...VALID.railway, activation: "redeploy", adopt: false });
  });

  it("accepts any subset of platforms and consumers", () => {
    const model = build(
      "production",
      withTargets({ fly: { apps: { worker: "pegasus-p-worker" } } }),
    );
    expect(planDeliveries(model).map((d) => d.name)).toEqual(["fly-worker"]);
  });

  it("refuses mobile, CI and unknown consumers, saying why", () => {
    const targets = {
      render: { ...VALID.render, services: { api: ["srv-api00001"], mobile: ["srv-mob00001"] } },
      fly: { apps: { ci: "pegasus-t-ci" } },
      railway: { ...VALID.railway, services: { cron: UUID(5) } },
    };
    expect(issuesOf(() => build("staging", withTargets(targets)))).toEqual([
      `${K}:targets.render.services.mobile: \`mobile\` never receives a secret (the guide's ownership matrix); only api and worker receive platform deliveries. Fix: pulumi config rm --path 'targets.render.services.mobile' --stack staging`,
      `${K}:targets.fly.apps.ci: CI reads Secret Manager through Cloud Build; it has no Render, Fly.io or Railway target; only api and worker receive platform deliveries. Fix: pulumi config rm --path 'targets.fly.apps.ci' --stack staging`,
      `${K}:targets.railway.services.cron: "cron" is not a consumer that runs on a platform; only api and worker receive platform deliveries. Fix: pulumi config rm --path 'targets.railway.services.cron' --stack staging`,
    ]);
  });

  it("refuses malformed IDs with the rule and the command that fixes them", () => {
    const targets = {
      render: { ownerId: "my-team", services: { api: ["https://dashboard.render.com/web/srv-x"] } },
      fly: { apps: { api: "Pegasus_API" } },
      railway: { projectId: "pegasus", environmentId: UUID(2), services: { api: UUID(3) } },
    };
    expect(issuesOf(() => build("staging", withTargets(targets)))).toEqual([
      `${K}:targets.render.ownerId: "my-team" is not valid: expected a Render workspace ID such as tea-abc123 (or usr-... for a personal account). Fix: pulumi config set --path 'targets.render.ownerId' tea-xxxxxxxxxxxx --stack staging`,
      `${K}:targets.render.services.api[0]: "https://dashboard.render.com/web/srv-x" is not valid: expected a Render service ID such as srv-abc123. Fix: pulumi config set --path 'targets.render.services.api[0]' srv-xxxxxxxxxxxx --stack staging`,
      `${K}:targets.fly.apps.api: "Pegasus_API" is not valid: expected a Fly.io app name: 1 to 63 lower-case letters, digits and hyphens. Fix: pulumi config set --path 'targets.fly.apps.api' pegasus-staging-api --stack staging`,
      `${K}:targets.railway.projectId: "pegasus" is not valid: expected a Railway ID (a lower-case UUID such as 3f2c1a7e-0000-4000-8000-000000000000). Fix: pulumi config set --path 'targets.railway.projectId' <uuid from the Railway dashboard> --stack staging`,
    ]);
  });

  it("refuses one destination for both consumers: their values differ", () => {
    const targets = {
      render: {
        ownerId: "tea-abcd1234",
        services: { api: ["srv-shared001"], worker: ["srv-shared001"] },
      },
      fly: { apps: { api: "pegasus-one", worker: "pegasus-one" } },
    };
    const issues = issuesOf(() => build("staging", withTargets(targets)));
    expect(issues).toEqual([
      `${K}:targets.render.services.worker: Render service "srv-shared001" is also the api's; API and worker get separate values (least privilege), so they need separate Render services. Fix: give worker its own Render service: pulumi config set --path 'targets.render.services.worker' <id> --stack staging`,
      `${K}:targets.fly.apps.worker: Fly app "pegasus-one" is also the api's; API and worker get separate values (least privilege), so they need separate Fly apps. Fix: give worker its own Fly app: pulumi config set --path 'targets.fly.apps.worker' <id> --stack staging`,
    ]);
  });

  it("refuses a target that reaches nobody, and unknown fields", () => {
    const targets = {
      render: { ownerId: "tea-abcd1234", services: { api: [] } },
      fly: { apps: {} },
    };
    expect(issuesOf(() => build("staging", withTargets(targets)))).toEqual([
      `${K}:targets.render.services.api: lists no service, so the env group would reach nobody. Fix: list the api's Render service IDs, or pulumi config rm --path 'targets.render.services.api' --stack staging`,
      `${K}:targets.fly.apps: names no consumer, so this target delivers nothing. Fix: pulumi config set --path 'targets.fly.apps.api' <id> --stack staging, or remove the target: pulumi config rm --path 'targets.fly' --stack staging`,
    ]);
    const typo = { fly: { apps: { api: "pegasus-t-api" }, activaton: "stage" } };
    expect(issuesOf(() => build("staging", withTargets(typo)))[0]).toMatch(
      /^pegasus-secrets:targets\.fly\.activaton: unknown key "activaton": `targets\.fly` takes activation, adopt, apps\. Did you mean activation\? Fix: rename it in Pulumi\.staging\.yaml\./,
    );
  });
});

describe("deliveries (pure)", () => {
  const model = build("staging", withTargets(VALID));

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
    const overlap = build("staging", {
      ...withTargets(VALID),
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
