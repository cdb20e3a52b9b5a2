import { CATALOG } from "../../catalog";
import { buildModel } from "../../model";
import { stackRaw } from "../helpers";

const K = "pegasus-secrets";
const build = (
  stack: string,
  overrides: Record<string, string | undefined>,
  secretKeys: string[] = [],
) => buildModel(CATALOG, stack, stackRaw(stack, overrides, secretKeys));

describe("stack config validation", () => {
  it.each(["staging", "production"])("accepts the committed %s stack file", (stack) => {
    expect(() => build(stack, {})).not.toThrow();
  });

  it("refuses an unknown variable in rotations", () => {
    expect(() => build("staging", { [`${K}:rotations`]: JSON.stringify({ NOPE: "2" }) })).toThrow(
      `Invalid configuration for stack "staging":\n  - \`${K}:rotations.NOPE\`: unknown variable "NOPE". Fix: use one of ${CATALOG.map((e) => e.name).join(", ")}, or remove it: pulumi config rm --path 'rotations.NOPE' --stack staging`,
    );
  });

  it("refuses a malformed keeper", () => {
    expect(() =>
      build("staging", { [`${K}:rotations`]: JSON.stringify({ JWT_SECRET: "bad keeper!" }) }),
    ).toThrow(
      `\`${K}:rotations.JWT_SECRET\`: keeper "bad keeper!" is malformed: expected 1 to 64 letters, digits, dots, colons, underscores or hyphens, starting with a letter or digit. Fix: pulumi config set --path 'rotations.JWT_SECRET' "$(date -u +%F).1" --stack staging`,
    );
  });

  it("refuses a keeper for plain config and for a variable that rotates with another", () => {
    expect(() =>
      build("staging", {
        [`${K}:rotations`]: JSON.stringify({ PLC_STORAGE_DIR: "2", AWS_ACCESS_KEY_ID: "2" }),
      }),
    ).toThrow(
      `Invalid configuration for stack "staging":\n  - \`${K}:rotations.PLC_STORAGE_DIR\`: "PLC_STORAGE_DIR" is plain config, not a secret: it has no keeper. Fix: remove it: pulumi config rm --path 'rotations.PLC_STORAGE_DIR' --stack staging\n  - \`${K}:rotations.AWS_ACCESS_KEY_ID\`: "AWS_ACCESS_KEY_ID" rotates with AWS_SECRET_ACCESS_KEY: set the keeper of AWS_SECRET_ACCESS_KEY instead. Fix: remove it: pulumi config rm --path 'rotations.AWS_ACCESS_KEY_ID' --stack staging`,
    );
  });

  it("refuses a plaintext value for an external secret, without echoing the value", () => {
    const value = `plain${Math.random().toString(36).slice(2)}`;
    let message = "";
    try {
      build("staging", { [`${K}:redisUrl`]: value });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe(
      `Invalid configuration for stack "staging":\n  - \`${K}:redisUrl\`: is stored as plaintext; REDIS_URL is a secret and must be encrypted. Fix: pulumi config set --secret redisUrl --stack staging   (re-enter the value so it is stored as \`secure:\`), then rotate it: it has been in plaintext.`,
    );
    expect(message).not.toContain(value);
  });

  it("refuses an unset external secret with the command that sets it", () => {
    expect(() => build("staging", { [`${K}:webhookSharedSecret`]: undefined })).toThrow(
      `\`${K}:webhookSharedSecret\`: holds the external value of WEBHOOK_SHARED_SECRET and is not set. Fix: pulumi config set --secret webhookSharedSecret --stack staging   (then paste the value at the prompt)`,
    );
  });

  it("refuses missing required keys, listing all of them", () => {
    expect(() => build("staging", { "gcp:project": undefined, [`${K}:owner`]: undefined })).toThrow(
      `Invalid configuration for stack "staging":\n  - \`gcp:project\`: is required but not set. Fix: pulumi config set gcp:project my-gcp-project --stack staging\n  - \`${K}:owner\`: is required but not set. Fix: pulumi config set ${K}:owner platform --stack staging`,
    );
  });

  it("refuses a required plain variable that is missing", () => {
    expect(() =>
      build("staging", {
        [`${K}:plain`]: JSON.stringify({ PUBLIC_API_URL: "https://api.example" }),
      }),
    ).toThrow(
      `\`${K}:plain.PLC_STORAGE_DIR\`: is required but not set. Fix: pulumi config set --path 'plain.PLC_STORAGE_DIR' <value> --stack staging`,
    );
  });

  it("refuses a malformed GCP project ID", () => {
    expect(() => build("staging", { "gcp:project": "Bad_Project" })).toThrow(
      `\`gcp:project\`: "Bad_Project" is not valid: expected 6 to 30 characters: lower-case letters, digits and hyphens, starting with a letter. Fix: pulumi config set gcp:project my-gcp-project --stack staging`,
    );
  });

  it("refuses a malformed service-account email", () => {
    const identities = {
      api: { email: "someone@example.com" },
      worker: { accountId: "staging-worker" },
      ci: { accountId: "staging-ci" },
    };
    expect(() => build("staging", { [`${K}:identities`]: JSON.stringify(identities) })).toThrow(
      `Invalid configuration for stack "staging":\n  - \`${K}:identities.api.email\`: "someone@example.com" is not a valid service-account email: expected a service-account email such as name@project-id.iam.gserviceaccount.com. Fix: pulumi config set --path 'identities.api.email' api-runtime@pegasus-staging.iam.gserviceaccount.com --stack staging`,
    );
  });

  it("refuses a runtime identity for a consumer that has none (mobile)", () => {
    expect(() =>
      build("staging", {
        [`${K}:identities`]: JSON.stringify({ mobile: { accountId: "staging-mobile" } }),
      }),
    ).toThrow(
      `\`${K}:identities.mobile\`: unknown key "mobile": \`identities\` takes api, worker, ci. Fix: remove it: pulumi config rm --path 'identities.mobile' --stack staging`,
    );
  });

  it("refuses a secret in plain config", () => {
    const plain = {
      PLC_STORAGE_DIR: "/srv/x",
      PUBLIC_API_URL: "https://api.example",
      JWT_SECRET: "x",
    };
    expect(() => build("production", { [`${K}:plain`]: JSON.stringify(plain) })).toThrow(
      `\`${K}:plain.JWT_SECRET\`: "JWT_SECRET" is a secret and never goes in plain config. Fix: remove it: pulumi config rm --path 'plain.JWT_SECRET' --stack production`,
    );
  });

  it("refuses to turn deletion protection off in production", () => {
    expect(() => build("production", { [`${K}:deletionProtection`]: "false" })).toThrow(
      `\`${K}:deletionProtection\`: cannot be false in production: production secrets are protected from deletion (DESIGN.md D3). Fix: pulumi config rm ${K}:deletionProtection --stack production`,
    );
  });

  it("refuses a source a variable does not support", () => {
    expect(() =>
      build("staging", { [`${K}:sources`]: JSON.stringify({ JWT_SECRET: { kind: "external" } }) }),
    ).toThrow(
      `\`${K}:sources.JWT_SECRET\`: source "external" is not supported by JWT_SECRET; it supports generated. Fix: remove it: pulumi config rm --path 'sources.JWT_SECRET' --stack staging`,
    );
  });

  it("keeps a previous keeper on any secret while its rotation is open, but not one equal to the current", () => {
    const m = build("staging", { [`${K}:previousKeepers`]: JSON.stringify({ REDIS_URL: "old" }) });
    expect(m.secrets.find((s) => s.variable === "REDIS_URL")?.previousKeeper).toBe("old");
    expect(() =>
      build("staging", { [`${K}:previousKeepers`]: JSON.stringify({ REDIS_URL: "initial" }) }),
    ).toThrow(
      `\`${K}:previousKeepers.REDIS_URL\`: equals the current keeper of REDIS_URL; the previous value must differ.`,
    );
  });

  it("alternates users only for a Cloud SQL credential", () => {
    const m = build("staging", { [`${K}:activeUsers`]: JSON.stringify({ DATABASE_URL: "b" }) });
    const db = m.secrets.find((s) => s.variable === "DATABASE_URL" && s.scope === "api")!;
    expect(db.value.kind === "cloudSql" && db.value.users.map((u) => u.role)).toEqual([
      "idle",
      "current",
    ]);
    expect(() =>
      build("staging", { [`${K}:activeUsers`]: JSON.stringify({ REDIS_URL: "b" }) }),
    ).toThrow(
      `\`${K}:activeUsers.REDIS_URL\`: "REDIS_URL" comes from external, not a Cloud SQL user pair: only a cloudSql source alternates users.`,
    );
  });

  it("refuses two consumers sharing one identity", () => {
    const identities = {
      api: { accountId: "staging-app" },
      worker: { accountId: "staging-app" },
      ci: { accountId: "staging-ci" },
    };
    expect(() => build("staging", { [`${K}:identities`]: JSON.stringify(identities) })).toThrow(
      `\`${K}:identities\`: two consumers share one runtime identity; API, worker and CI need separate identities (least privilege).`,
    );
  });

  it("refuses an unknown stack", () => {
    expect(() => build("staging", {})).not.toThrow();
    expect(() => buildModel(CATALOG, "dev", stackRaw("staging"))).toThrow(
      '`stack`: unknown stack "dev". Fix: use one of staging, production (pulumi stack select staging).',
    );
  });
});

describe("schema errors name the key, what it takes and the fix", () => {
  const issuesOf = (overrides: Record<string, string>) => {
    try {
      build("staging", overrides);
    } catch (e) {
      return (e as import("../../model").ConfigError).issues.map(
        (i) => `${i.key}: ${i.problem} Fix: ${i.fix}`,
      );
    }
    return [];
  };

  it.each([
    [
      "a typo under an identity",
      "identities",
      { worker: { acountId: "staging-worker" } },
      `${K}:identities.worker.acountId: unknown key "acountId": \`identities.worker\` takes accountId, email, crossProject. Did you mean accountId? Fix: rename it in Pulumi.staging.yaml.`,
    ],
    [
      "an unknown platform",
      "targets",
      { flyio: { apps: { api: "x" } } },
      `${K}:targets.flyio: unknown key "flyio": \`targets\` takes render, fly, railway. Did you mean fly? Fix: rename it in Pulumi.staging.yaml.`,
    ],
    [
      "an unknown source kind",
      "sources",
      { REDIS_URL: { kind: "memstore" } },
      `${K}:sources.REDIS_URL.kind: is not one of generated, external, gcsHmac, cloudSql, memorystore. Fix: pulumi config set --path 'sources.REDIS_URL.kind' <generated|external|gcsHmac|cloudSql|memorystore> --stack staging`,
    ],
    [
      "a wrong activation",
      "targets",
      { fly: { apps: { api: "pegasus-t-api" }, activation: "now" } },
      `${K}:targets.fly.activation: must be one of update-machines, stage. Fix: pulumi config set --path 'targets.fly.activation' <update-machines|stage> --stack staging`,
    ],
  ])("%s", (_what, key, value, message) => {
    expect(issuesOf({ [`${K}:${key}`]: JSON.stringify(value) })).toContain(message);
  });
});

describe("keys nobody reads", () => {
  it("names a mistyped top-level key with the closest real one, instead of ignoring it", () => {
    const base = stackRaw("staging");
    const values: Record<string, string> = {
      [`${K}:rotation`]: JSON.stringify({ JWT_SECRET: "2" }),
      [`${K}:colour`]: "blue",
    };
    const raw = {
      get: (k: string) => values[k] ?? base.get(k),
      isSecret: (k: string) => base.isSecret(k),
      keys: () => [`${K}:owner`, "gcp:project", "aws:region", ...Object.keys(values)],
    };
    let issues: string[] = [];
    try {
      buildModel(CATALOG, "staging", raw);
    } catch (e) {
      issues = (e as import("../../model").ConfigError).issues.map(
        (i) => `${i.key}: ${i.problem} Fix: ${i.fix}`,
      );
    }
    expect(issues).toEqual([
      `${K}:rotation: is not a key of this project, so nothing reads it. Did you mean rotations? Fix: rename it in Pulumi.staging.yaml.`,
      `${K}:colour: is not a key of this project, so nothing reads it. Fix: remove it: pulumi config rm ${K}:colour --stack staging (README.md, "Config reference", lists every key).`,
    ]);
  });
});

describe("runtime identities referenced by email", () => {
  const identities = (worker: Record<string, unknown>) => ({
    [`${K}:identities`]: JSON.stringify({ api: { accountId: "staging-api" }, worker }),
  });
  const issuesOf = (overrides: Record<string, string>) => {
    try {
      build("staging", overrides);
    } catch (e) {
      return (e as import("../../model").ConfigError).issues.map((i) => `${i.key}: ${i.problem}`);
    }
    return [];
  };

  it("must belong to the stack's own project, unless marked cross-project on purpose", () => {
    const project = build("staging", {}).config.gcpProject;
    const other = "staging-worker@pegasus-production.iam.gserviceaccount.com";
    expect(issuesOf(identities({ email: other }))).toEqual([
      `${K}:identities.worker.email: "${other}" is not a service account of ${project}, this stack's project: a staging identity from another project (another stack's, say) would read these secrets.`,
    ]);
    expect(issuesOf(identities({ email: other, crossProject: true }))).toEqual([]);
    expect(issuesOf(identities({ email: `runner@${project}.iam.gserviceaccount.com` }))).toEqual(
      [],
    );
    expect(
      issuesOf(identities({ email: "123456789012@cloudbuild.gserviceaccount.com" })),
    ).toHaveLength(1);
  });
});

describe("readiness and smoke URLs", () => {
  it("must be https, except on a loopback address", () => {
    const verify = (url: string) => ({ [`${K}:verify`]: JSON.stringify({ ready: { api: url } }) });
    expect(() => build("staging", verify("https://api.pegasus.dev/health/ready"))).not.toThrow();
    expect(() => build("staging", verify("http://127.0.0.1:8080/health/ready"))).not.toThrow();
    expect(() => build("staging", verify("http://api.pegasus.dev/health/ready"))).toThrow(
      `\`${K}:verify.ready.api\`: must be an https URL (plain http only for a loopback address).`,
    );
  });
});
