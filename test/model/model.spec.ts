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
    ).toThrow(`\`${K}:identities\`: Unrecognized key: "mobile".`);
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
