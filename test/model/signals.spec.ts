// The alerts' filters and grants, from a model built on this spec's own config; the access filter
// is run against sample audit log entries in the shape Cloud Audit Logs documents.
import { CATALOG } from "../../catalog";
import {
  ACCESS_METHOD,
  buildModel,
  ConfigError,
  expiredGrants,
  MAX_FILTER_CHARS,
  RawConfig,
  unexpectedAccessFilters,
} from "../../model";
import { matches } from "../logFilter";

const K = "pegasus-secrets";
const PROJECT = "pegasus-test-1";
const email = (c: string) => `staging-${c}@${PROJECT}.iam.gserviceaccount.com`;
const config = (extra: Record<string, unknown> = {}): RawConfig => {
  const values: Record<string, unknown> = {
    "gcp:project": PROJECT,
    [`${K}:owner`]: "platform",
    [`${K}:secretIdPrefix`]: "staging",
    [`${K}:plain`]: { PLC_STORAGE_DIR: "/srv/plc", PUBLIC_API_URL: "https://api.test" },
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
  return {
    get: (k) =>
      values[k] === undefined
        ? undefined
        : typeof values[k] === "string"
          ? (values[k] as string)
          : JSON.stringify(values[k]),
    isSecret: (k) => /:(openai|redis|webhook)/.test(k),
  };
};
const model = buildModel(CATALOG, "staging", config());

/** An AccessSecretVersion entry of the Data Access audit log (Cloud Audit Logs' AuditLog shape). */
const read = (principal: string, secretId: string, method = ACCESS_METHOD, project = PROJECT) => ({
  logName: `projects/${project}/logs/cloudaudit.googleapis.com%2Fdata_access`,
  resource: {
    type: "audited_resource",
    labels: { service: "secretmanager.googleapis.com", project_id: project },
  },
  protoPayload: {
    "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
    authenticationInfo: { principalEmail: principal },
    serviceName: "secretmanager.googleapis.com",
    methodName: method,
    resourceName: `projects/123456789012/secrets/${secretId}/versions/3`,
  },
});

describe("the unexpected-access metric", () => {
  const [filter] = model.signals.unexpectedAccess.map((m) => m.filter);

  it("is one metric whose filter is built from the accessor grants", () => {
    expect(model.signals.unexpectedAccess.map((m) => m.metric)).toEqual([
      "staging-unexpected-secret-access",
    ]);
    for (const s of model.secrets) {
      const readers = model.grants
        .filter((g) => g.secretId === s.secretId)
        .map((g) => g.member.slice("serviceAccount:".length));
      expect(model.signals.readers.find((r) => r.secretId === s.secretId)?.readers.sort()).toEqual(
        readers.sort(),
      );
    }
  });

  it.each([
    ["the API reads JWT_SECRET", email("api"), "staging-jwt-secret"],
    ["the worker reads its own DATABASE_URL", email("worker"), "staging-database-url-worker"],
    ["CI reads its own OpenAI key", email("ci"), "staging-openai-api-key-ci"],
    ["the worker reads the shared REDIS_URL", email("worker"), "staging-redis-url"],
  ])("does not count a runtime read: %s", (_what, who, secretId) => {
    expect(matches(filter, read(who, secretId))).toBe(false);
  });

  it.each([
    ["the worker reads JWT_SECRET", email("worker"), "staging-jwt-secret"],
    ["CI reads SIGNED_URL_KEY", email("ci"), "staging-signed-url-key"],
    ["the API reads the worker's DATABASE_URL", email("api"), "staging-database-url-worker"],
    ["a person reads WEBHOOK_SHARED_SECRET", "alice@example.com", "staging-webhook-shared-secret"],
    [
      "another project's account reads JWT_SECRET",
      "staging-api@other-project.iam.gserviceaccount.com",
      "staging-jwt-secret",
    ],
  ])("counts every other principal: %s", (_what, who, secretId) => {
    expect(matches(filter, read(who, secretId))).toBe(true);
  });

  it("ignores other methods, other projects' logs and other stacks' secrets", () => {
    const bob = "bob@example.com";
    expect(
      matches(
        filter,
        read(
          bob,
          "staging-jwt-secret",
          "google.cloud.secretmanager.v1.SecretManagerService.GetSecret",
        ),
      ),
    ).toBe(false);
    expect(matches(filter, read(bob, "staging-jwt-secret", ACCESS_METHOD, "pegasus-other"))).toBe(
      false,
    );
    expect(matches(filter, read(bob, "production-jwt-secret"))).toBe(false);
  });

  it("splits a very large catalog's filter over several metrics, each under Logging's limit", () => {
    const secrets = Array.from({ length: 1200 }, (_, i) => ({
      secretId: `bench-secret-${String(i).padStart(4, "0")}`,
      readers: [i % 2 ? "a@p.iam.gserviceaccount.com" : "b@p.iam.gserviceaccount.com"],
    }));
    const filters = unexpectedAccessFilters("pegasus-bench", secrets);
    expect(filters.length).toBeGreaterThan(1);
    for (const f of filters) expect(f.length).toBeLessThanOrEqual(MAX_FILTER_CHARS);
    const hit = (who: string, id: string) =>
      filters.some((f) => matches(f, read(who, id, ACCESS_METHOD, "pegasus-bench")));
    expect(hit("a@p.iam.gserviceaccount.com", "bench-secret-0001")).toBe(false);
    expect(hit("b@p.iam.gserviceaccount.com", "bench-secret-0001")).toBe(true);
    expect(hit("b@p.iam.gserviceaccount.com", "bench-secret-1198")).toBe(false);
    // Every secret is in exactly one filter.
    for (const s of secrets) {
      const needle = `"/secrets/${s.secretId}/"`;
      expect(filters.filter((f) => f.includes(needle))).toHaveLength(1);
    }
  });
});

describe("the rotation-due alert", () => {
  it("keeps only Secret Manager's SECRET_ROTATE notices, in a subscription named for the stack", () => {
    expect(model.signals.rotationDue).toEqual({
      subscription: "staging-secret-rotation-due",
      filter: 'attributes.eventType = "SECRET_ROTATE"',
    });
  });

  it("warns when production tells nobody", () => {
    const prod = (extra: Record<string, unknown>) =>
      buildModel(
        CATALOG,
        "production",
        config({ [`${K}:secretIdPrefix`]: "production", ...extra }),
      );
    expect(prod({}).signals.warnings).toEqual([
      "production has no `notifications`: a secret due for rotation or read by an unexpected principal alerts nobody. Add the on-call address: pulumi config set --path 'notifications.emails[0]' oncall@<your domain> --stack production",
    ]);
    expect(
      prod({ [`${K}:notifications`]: { emails: ["oncall@example.com"] } }).signals.warnings,
    ).toEqual([]);
    expect(model.signals.warnings).toEqual([]);
  });
});

describe("emergency grants", () => {
  const grant = (over: Record<string, unknown> = {}) => ({
    variable: "DATABASE_URL",
    consumer: "worker",
    member: "user:alice@example.com",
    incident: "INC-7",
    operator: "bob",
    grantedAt: "2026-11-30T08:00:00Z",
    expiresAt: "2026-11-30T12:00:00Z",
    ...over,
  });
  const withGrants = (...grants: unknown[]) =>
    buildModel(CATALOG, "staging", config({ [`${K}:emergencyAccess`]: grants }));
  const refusal = (...grants: unknown[]) => {
    try {
      withGrants(...grants);
    } catch (e) {
      return (e as ConfigError).issues.map((i) => `${i.key}: ${i.problem}`);
    }
    return [];
  };

  it("opens exactly one secret until its expiry, with the incident in the condition's title", () => {
    expect(withGrants(grant()).emergencyGrants).toEqual([
      {
        variable: "DATABASE_URL",
        secretId: "staging-database-url-worker",
        member: "user:alice@example.com",
        incident: "INC-7",
        operator: "bob",
        grantedAt: "2026-11-30T08:00:00Z",
        expiresAt: "2026-11-30T12:00:00Z",
        condition: {
          title: "break-glass INC-7",
          description:
            "Read access for incident INC-7, granted 2026-11-30T08:00:00Z by bob, until 2026-11-30T12:00:00Z.",
          expression: 'request.time < timestamp("2026-11-30T12:00:00Z")',
        },
      },
    ]);
  });

  it.each([
    [
      "a group",
      { member: "group:oncall@example.com" },
      "member: grants emergency access to a group: member; only one person (user:<email>) may hold a break-glass read.",
    ],
    [
      "the public",
      { member: "allUsers" },
      "member: grants emergency access to the public; only one person (user:<email>) may hold a break-glass read.",
    ],
    [
      "more than 24 h",
      { expiresAt: "2026-12-01T08:00:01Z" },
      "expiresAt: ends 24.0 h after it was granted; an emergency grant lasts more than 0 and at most 24 h.",
    ],
    [
      "no time at all",
      { expiresAt: "2026-11-30T08:00:00Z" },
      "expiresAt: ends not after it was granted; an emergency grant lasts more than 0 and at most 24 h.",
    ],
    [
      "no consumer of a per-consumer variable",
      { consumer: undefined },
      "consumer: DATABASE_URL has one value per consumer (api, worker, ci); name the one to open.",
    ],
    [
      "a variable that is not a secret",
      { variable: "PUBLIC_API_URL", consumer: undefined },
      'variable: "PUBLIC_API_URL" is not a secret of this stack.',
    ],
  ])("refuses a grant to %s", (_what, over, message) => {
    expect(refusal(grant(over))).toEqual([`${K}:emergencyAccess.0.${message}`]);
  });

  it("refuses a grant without an incident", () => {
    expect(refusal(grant({ incident: "" })).join("\n")).toContain(
      `${K}:emergencyAccess.0.incident: must be an incident ID such as INC-2041.`,
    );
  });

  it("finds the grants past their expiry", () => {
    const g = withGrants(grant()).emergencyGrants;
    expect(expiredGrants(g, new Date("2026-11-30T11:59:59Z"))).toEqual([]);
    expect(expiredGrants(g, new Date("2026-11-30T12:00:00Z"))).toEqual(g);
  });
});

describe("customer-managed encryption keys", () => {
  const key = (location: string, project = PROJECT) =>
    `projects/${project}/locations/${location}/keyRings/secrets/cryptoKeys/pegasus`;
  const refusal = (extra: Record<string, unknown>) => {
    try {
      buildModel(CATALOG, "staging", config(extra));
    } catch (e) {
      return (e as ConfigError).issues.map((i) => `${i.key}: ${i.problem}`);
    }
    return [];
  };

  it("takes one global key with automatic replication, and a key per replica otherwise", () => {
    expect(refusal({ [`${K}:kms`]: { keys: { global: key("global") } } })).toEqual([]);
    expect(
      refusal({
        [`${K}:replicationLocations`]: ["europe-west1", "europe-west4"],
        [`${K}:kms`]: {
          keys: { "europe-west1": key("europe-west1"), "europe-west4": key("europe-west4") },
        },
      }),
    ).toEqual([]);
  });

  it("names a wrong key path, a key in the wrong location and a missing location", () => {
    expect(
      refusal({
        [`${K}:replicationLocations`]: ["europe-west1", "europe-west4"],
        [`${K}:kms`]: { keys: { "europe-west1": key("us-east1"), "europe-west9": "my-key" } },
      }),
    ).toEqual([
      `${K}:kms.keys.europe-west1: names a key in us-east1, but a secret's replica in europe-west1 must use a key in the same location.`,
      `${K}:kms.keys.europe-west9: "my-key" is not a Cloud KMS key name: expected projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>.`,
      `${K}:kms.keys.europe-west9: is not a replica location of this stack (europe-west1, europe-west4).`,
      `${K}:kms.keys.europe-west4: is missing: every replica needs a key, and europe-west4 has none.`,
    ]);
    expect(refusal({ [`${K}:kms`]: { required: true } })).toEqual([
      `${K}:kms.keys.global: is missing: this stack requires customer-managed encryption (kms.required).`,
    ]);
  });
});
