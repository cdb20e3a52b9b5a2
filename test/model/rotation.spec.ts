// The keeper scheme and rotation impact, on a model built from this spec's own config.
import { CATALOG } from "../../catalog";
import {
  buildModel,
  configSetCommands,
  impactOf,
  keeperDate,
  nextKeeper,
  previousKeepers,
  previousVariables,
  RawConfig,
  resolveSecret,
  rotationKeepers,
} from "../../model";

const K = "pegasus-secrets";
/** A staging stack with one platform target and JWT_SECRET in its overlap window. */
const raw = (extra: Record<string, unknown> = {}): RawConfig => {
  const values: Record<string, unknown> = {
    "gcp:project": "pegasus-test-1",
    [`${K}:owner`]: "platform",
    [`${K}:plain`]: { PLC_STORAGE_DIR: "/srv/plc", PUBLIC_API_URL: "https://api.test" },
    [`${K}:rotations`]: { JWT_SECRET: "2026-11-29.2", AWS_SECRET_ACCESS_KEY: "2026-10-01.1" },
    [`${K}:previousKeepers`]: { JWT_SECRET: "2026-11-29.1" },
    [`${K}:targets`]: { fly: { apps: { api: "pegasus-test-api", worker: "pegasus-test-worker" } } },
    [`${K}:sources`]: {
      DATABASE_URL: { kind: "cloudSql", instance: "pg", host: "10.0.0.3", database: "pegasus" },
    },
    ...extra,
  };
  for (const k of [
    "openaiApiKeyApi",
    "openaiApiKeyWorker",
    "openaiApiKeyCi",
    "redisUrl",
    "webhookSharedSecret",
  ]) {
    values[`${K}:${k}`] = "[encrypted]";
  }
  const get = (k: string) => {
    const v = values[k];
    return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
  };
  return { get, isSecret: (k) => /:(openai|redis|webhook)/.test(k) };
};
const model = buildModel(CATALOG, "staging", raw());

describe("keepers", () => {
  it("lists one keeper per variable that has its own (followers rotate with their leader)", () => {
    const keepers = rotationKeepers(model);
    expect(keepers.JWT_SECRET).toBe("2026-11-29.2");
    expect(keepers.AWS_SECRET_ACCESS_KEY).toBe("2026-10-01.1");
    expect(keepers.OPENAI_API_KEY).toBe("initial");
    expect(Object.keys(keepers)).not.toContain("AWS_ACCESS_KEY_ID");
    expect(previousKeepers(model)).toEqual({ JWT_SECRET: "2026-11-29.1" });
  });

  it.each([
    ["2026-11-30T10:00:00Z", [], "2026-11-30.1"],
    ["2026-11-30T10:00:00Z", ["2026-11-30.1", "2026-11-30.3", "initial"], "2026-11-30.4"],
    ["2026-12-01T00:00:00Z", ["2026-11-30.9"], "2026-12-01.1"],
  ])("after %s with %j the next keeper is %s", (now, used, next) => {
    expect(nextKeeper(new Date(now), used)).toBe(next);
  });

  it("dates only the keepers the runbook writes", () => {
    expect(keeperDate("2026-11-30.2")?.toISOString()).toBe("2026-11-30T00:00:00.000Z");
    expect(keeperDate("initial")).toBeNull();
  });
});

describe("impact of a rotation", () => {
  it("covers the variables produced together, their readers and the platforms that carry them", () => {
    const i = impactOf(model, "AWS_SECRET_ACCESS_KEY");
    expect(i.variables).toEqual(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]);
    expect(i.services).toEqual(["api", "worker"]);
    expect(i.identities).toEqual([
      "staging-api@pegasus-test-1.iam.gserviceaccount.com",
      "staging-worker@pegasus-test-1.iam.gserviceaccount.com",
    ]);
    expect(i.secretIds).toEqual([
      "staging-aws-access-key-id-api",
      "staging-aws-access-key-id-worker",
      "staging-aws-secret-access-key-api",
      "staging-aws-secret-access-key-worker",
    ]);
    expect(i.targets).toEqual([
      "Fly.io app pegasus-test-api (app secrets)",
      "Fly.io app pegasus-test-worker (app secrets)",
    ]);
  });

  it("names where a signing key's previous value is delivered", () => {
    expect(previousVariables(model, "JWT_SECRET")).toEqual([
      "JWT_SECRET_PREVIOUS on Fly.io app pegasus-test-api (app secrets)",
    ]);
  });

  it("gives an external secret one config-set command per consumer", () => {
    expect(configSetCommands(model, "OPENAI_API_KEY", "staging")).toEqual([
      "pulumi config set --secret openaiApiKeyApi --stack staging",
      "pulumi config set --secret openaiApiKeyWorker --stack staging",
      "pulumi config set --secret openaiApiKeyCi --stack staging",
    ]);
    expect(configSetCommands(model, "JWT_SECRET", "staging")).toEqual([]);
  });

  it.each([
    ["NOPE", /^Unknown variable "NOPE"\. Secrets that rotate: OPENAI_API_KEY, /],
    ["PUBLIC_API_URL", /^PUBLIC_API_URL is plain config, not a secret/],
    [
      "AWS_ACCESS_KEY_ID",
      /rotates with AWS_SECRET_ACCESS_KEY .*rotate AWS_SECRET_ACCESS_KEY --stack staging --operator alice/,
    ],
  ])("refuses to rotate %s, saying what to do instead", (variable, message) => {
    expect(() => resolveSecret(variable, "staging", "alice")).toThrow(message);
  });
});
