import { nextKeeper } from "../../../model";
import {
  advance,
  applied,
  cli,
  fakePulumiSecretSet,
  logEntries,
  refusal,
  TempProject,
  tempProject,
  verified,
} from "./helpers";

describe("rotate", () => {
  let p: TempProject;
  beforeEach(() => {
    p = tempProject("2026-11-29T03:00:00Z");
  });
  afterEach(() => p.cleanup());
  const op = ["--operator", "alice"];

  it("bumps the keeper, keeps the previous value live and records who, when, what and the impact", async () => {
    const r = await cli(p, [
      "rotate",
      "JWT_SECRET",
      "--stack",
      "staging",
      ...op,
      "--reason",
      "scheduled",
    ]);
    expect(r.code).toBe(0);
    const file = p.read("Pulumi.staging.yaml");
    expect(file).toContain(
      '  pegasus-secrets:rotations:\n    JWT_SECRET: "2026-11-29.1"\n  pegasus-secrets:previousKeepers:\n    JWT_SECRET: "initial"\n',
    );
    expect(file).toContain("# Test fixture: a staging stack");
    const [e] = logEntries(p);
    expect(e).toEqual({
      action: "rotate",
      ts: "2026-11-29T03:00:00Z",
      operator: "alice",
      stack: "staging",
      variable: "JWT_SECRET",
      source: "generated",
      oldKeeper: "initial",
      newKeeper: "2026-11-29.1",
      previousKeeper: "initial",
      revokedKeeper: null,
      impact: {
        variables: ["JWT_SECRET"],
        consumers: ["api"],
        services: ["api"],
        identities: ["staging-api@pegasus-staging.iam.gserviceaccount.com"],
        secretIds: ["staging-jwt-secret"],
        targets: [
          "Render env group pegasus-staging-api (workspace tea-c0ffeestaging0k) linked to srv-stagingapik7q2",
          "Fly.io app pegasus-staging-api (app secrets)",
          "Railway service 7d9c6a2e-41b0-4c3e-9f11-5a8e3b2c10a0 (project 7d9c6a2e-41b0-4c3e-9f11-5a8e3b2c1000, environment 7d9c6a2e-41b0-4c3e-9f11-5a8e3b2c1001; service variables)",
        ],
      },
      reason: "scheduled",
      breakGlass: false,
      incident: null,
      externalKeys: [],
      valuePending: false,
    });
    expect(r.out).toContain(
      "Next steps, in order:\n  1. commit and push: CI applies staging and records it; or, from here: pulumi up --stack staging, then npx pegasus-secrets applied --stack staging --operator alice\n  2. npx pegasus-secrets verify --stack staging --operator alice\n  3. npx pegasus-secrets rotate JWT_SECRET --stack production --operator alice\n",
    );
  });

  it("moves a Cloud SQL credential to the idle user, the live one keeping its password", async () => {
    const r = await cli(p, ["rotate", "DATABASE_URL", "--stack", "staging", ...op]);
    expect(r.code).toBe(0);
    expect(p.read("Pulumi.staging.yaml")).toContain(
      '  pegasus-secrets:previousKeepers:\n    DATABASE_URL: "initial"\n  pegasus-secrets:activeUsers:\n    DATABASE_URL: "b"\n',
    );
    expect(logEntries(p)[0]).toMatchObject({ previousKeeper: "initial", activeUser: "b" });
    expect(r.out).toContain(
      "The previous value (keeper initial) stays valid until finalize, after production is verified: the other database user keeps its password; DATABASE_URL now names user b.",
    );
  });

  it("never repeats a keeper: a counter per day, a new day starts again at 1", () => {
    expect(
      nextKeeper(new Date("2026-11-29T23:59:00Z"), [
        "initial",
        "2026-11-29.1",
        "2026-11-29.3",
        "2026-11-28.9",
      ]),
    ).toBe("2026-11-29.4");
    expect(nextKeeper(new Date("2026-11-30T00:00:00Z"), ["2026-11-29.4"])).toBe("2026-11-30.1");
  });

  it("rotates a variable and its followers together (AWS_SECRET_ACCESS_KEY carries AWS_ACCESS_KEY_ID)", async () => {
    const r = await cli(p, ["rotate", "AWS_SECRET_ACCESS_KEY", "--stack", "staging", ...op]);
    expect(r.code).toBe(0);
    const [e] = logEntries(p);
    expect(e.impact.variables).toEqual(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]);
    expect(e.impact.secretIds).toEqual([
      "staging-aws-access-key-id-api",
      "staging-aws-access-key-id-worker",
      "staging-aws-secret-access-key-api",
      "staging-aws-secret-access-key-worker",
    ]);
    expect(e.impact.services).toEqual(["api", "worker"]);
    // Two phases for every secret: the previous HMAC key stays active until finalize.
    expect(e.previousKeeper).toBe("initial");
    expect(p.read("Pulumi.staging.yaml")).toContain(
      'pegasus-secrets:previousKeepers:\n    AWS_SECRET_ACCESS_KEY: "initial"',
    );
  });

  describe("refusals, each with its exact message and nothing written", () => {
    const refused = async (args: string[], message: string) => {
      const before = p.read("Pulumi.staging.yaml") + p.read("Pulumi.production.yaml");
      const log = p.exists("operations/log.jsonl") ? p.read("operations/log.jsonl") : "";
      const r = await cli(p, args);
      expect(r.code).toBe(1);
      expect(refusal(r)).toBe(message);
      expect(p.read("Pulumi.staging.yaml") + p.read("Pulumi.production.yaml")).toBe(before);
      expect(p.exists("operations/log.jsonl") ? p.read("operations/log.jsonl") : "").toBe(log);
    };

    it("an unknown variable, a plain one, and one that rotates with another", async () => {
      await refused(
        ["rotate", "JWT_SECRETS", "--stack", "staging", ...op],
        'Unknown variable "JWT_SECRETS". Secrets that rotate: OPENAI_API_KEY, DATABASE_URL, REDIS_URL, JWT_SECRET, SIGNED_URL_KEY, WEBHOOK_SHARED_SECRET, AWS_SECRET_ACCESS_KEY.',
      );
      await refused(
        ["rotate", "PLC_STORAGE_DIR", "--stack", "staging", ...op],
        "PLC_STORAGE_DIR is plain config, not a secret: it has no keeper to rotate. Change it with pulumi config set --path 'plain.PLC_STORAGE_DIR' <value> --stack staging.",
      );
      await refused(
        ["rotate", "AWS_ACCESS_KEY_ID", "--stack", "production", ...op],
        "AWS_ACCESS_KEY_ID rotates with AWS_SECRET_ACCESS_KEY (one resource produces both): run npx pegasus-secrets rotate AWS_SECRET_ACCESS_KEY --stack production --operator alice.",
      );
    });

    it("an unknown stack (a usage error, exit 2), a bad operator, a multi-line reason, break-glass without an incident", async () => {
      const r = await cli(p, ["rotate", "JWT_SECRET", "--stack", "prod", ...op]);
      expect([r.code, r.err]).toEqual([
        2,
        `error: unknown stack "prod". The stacks of this project (one Pulumi.<stack>.yaml each): staging, production. Did you mean production?\nFix: npx pegasus-secrets rotate JWT_SECRET --stack production --operator alice\n`,
      ]);
      expect(logEntries(p)).toEqual([]);
      await refused(
        ["rotate", "JWT_SECRET", "--stack", "staging", "--operator", "alice smith"],
        '--operator "alice smith" is not valid: give your user name or email (letters, digits, . _ @ + -, at most 64 characters), e.g. --operator alice.',
      );
      await refused(
        ["rotate", "JWT_SECRET", "--stack", "staging", ...op, "--reason", "line one\nline two"],
        "--reason must be one line of 1 to 500 characters.",
      );
      await refused(
        ["rotate", "JWT_SECRET", "--stack", "production", ...op, "--break-glass"],
        "--break-glass needs --incident <id>: a break-glass rotation is recorded against an incident.",
      );
    });

    it("a second rotation while the first is still open", async () => {
      expect((await cli(p, ["rotate", "JWT_SECRET", "--stack", "staging", ...op])).code).toBe(0);
      await refused(
        ["rotate", "JWT_SECRET", "--stack", "staging", ...op],
        "Refusing to rotate JWT_SECRET in staging: its last rotation is still open (the previous value, keeper initial, is still live; staging rotated JWT_SECRET (keeper 2026-11-29.1) but no `applied` entry shows staging running it). One rotation at a time. Next: pulumi up --stack staging, then npx pegasus-secrets applied --stack staging --operator alice (CI does both when the change reaches main).",
      );
    });

    it("production before staging has been rotated, applied and verified", async () => {
      await refused(
        ["rotate", "REDIS_URL", "--stack", "production", ...op],
        "Refusing to rotate REDIS_URL in production before staging verified it: staging has no recorded rotation of REDIS_URL. Next: npx pegasus-secrets rotate REDIS_URL --stack staging --operator alice.",
      );
      expect((await cli(p, ["rotate", "SIGNED_URL_KEY", "--stack", "staging", ...op])).code).toBe(
        0,
      );
      advance(p, 10);
      await refused(
        ["rotate", "SIGNED_URL_KEY", "--stack", "production", ...op],
        "Refusing to rotate SIGNED_URL_KEY in production before staging verified it: staging rotated SIGNED_URL_KEY (keeper 2026-11-29.1) but no `applied` entry shows staging running it. Next: pulumi up --stack staging, then npx pegasus-secrets applied --stack staging --operator alice (CI does both when the change reaches main).",
      );
      // A verify before the deploy was recorded does not count, nor does an unconfirmed one.
      verified(p, "staging", { SIGNED_URL_KEY: "2026-11-29.1" });
      expect((await applied(p, "staging")).code).toBe(0);
      verified(p, "staging", { SIGNED_URL_KEY: "2026-11-29.1" }, true, false);
      await refused(
        ["rotate", "SIGNED_URL_KEY", "--stack", "production", ...op],
        "Refusing to rotate SIGNED_URL_KEY in production before staging verified it: staging runs SIGNED_URL_KEY keeper 2026-11-29.1 but no confirmed verify of staging has passed since. Next: npx pegasus-secrets verify --stack staging --operator alice.",
      );
      verified(p, "staging", { SIGNED_URL_KEY: "2026-11-29.1" }, false);
      await refused(
        ["rotate", "SIGNED_URL_KEY", "--stack", "production", ...op],
        "Refusing to rotate SIGNED_URL_KEY in production before staging verified it: staging runs SIGNED_URL_KEY keeper 2026-11-29.1 but no confirmed verify of staging has passed since, and its latest verify failed. Next: npx pegasus-secrets verify --stack staging --operator alice.",
      );
      verified(p, "staging", { SIGNED_URL_KEY: "2026-11-29.1" });
      const ok = await cli(p, ["rotate", "SIGNED_URL_KEY", "--stack", "production", ...op]);
      expect(ok.code).toBe(0);
      expect(ok.out).toContain(
        "Rotated SIGNED_URL_KEY in production: keeper initial -> 2026-11-29.1.",
      );
    });

    it("a second production rotation while production's first is open", async () => {
      expect((await cli(p, ["rotate", "DATABASE_URL", "--stack", "staging", ...op])).code).toBe(0);
      await applied(p, "staging");
      verified(p, "staging", { DATABASE_URL: "2026-11-29.1" });
      advance(p, 30);
      expect((await cli(p, ["rotate", "DATABASE_URL", "--stack", "production", ...op])).code).toBe(
        0,
      );
      advance(p, 30);
      await refused(
        ["rotate", "DATABASE_URL", "--stack", "production", ...op],
        "Refusing to rotate DATABASE_URL in production: production rotated DATABASE_URL (keeper 2026-11-29.1) but no `applied` entry shows production running it; one rotation at a time. Next: push the change to main: CI applies production behind its approval and records it (`applied`).",
      );
    });

    it("production after break-glass is allowed without staging, and logged as break-glass", async () => {
      const r = await cli(p, [
        "rotate",
        "REDIS_URL",
        "--stack",
        "production",
        ...op,
        "--break-glass",
        "--incident",
        "INC-9",
      ]);
      expect(r.code).toBe(0);
      const [e] = logEntries(p);
      expect(e).toMatchObject({
        stack: "production",
        breakGlass: true,
        incident: "INC-9",
        valuePending: true,
        externalKeys: ["redisUrl"],
      });
      expect(r.out).toContain(
        "  1. pulumi config set --secret redisUrl --stack production   (the new value, before the change is applied)\n  2. commit and push: CI applies production behind its approval",
      );
    });
  });

  describe("an external secret: the operator sets the value, the tool keeps the order and the record", () => {
    it("starts, refuses until every key holds a new ciphertext, then records the rotation", async () => {
      const start = await cli(p, ["rotate", "OPENAI_API_KEY", "--stack", "staging", ...op]);
      expect(start.code).toBe(0);
      expect(start.out).toContain(
        "     pulumi config set --secret openaiApiKeyApi --stack staging\n     pulumi config set --secret openaiApiKeyWorker --stack staging\n     pulumi config set --secret openaiApiKeyCi --stack staging\n",
      );
      expect(p.read("Pulumi.staging.yaml")).not.toContain("OPENAI_API_KEY");
      expect(logEntries(p)[0]).toEqual({
        action: "rotate-started",
        ts: "2026-11-29T03:00:00Z",
        operator: "alice",
        stack: "staging",
        variable: "OPENAI_API_KEY",
        keys: { openaiApiKeyApi: "unset", openaiApiKeyWorker: "unset", openaiApiKeyCi: "unset" },
        reason: null,
      });

      fakePulumiSecretSet(p, "staging", "openaiApiKeyApi");
      advance(p, 5);
      const partial = await cli(p, ["rotate", "OPENAI_API_KEY", "--stack", "staging", ...op]);
      expect(partial.code).toBe(1);
      expect(refusal(partial)).toBe(
        "Refusing to record the rotation of OPENAI_API_KEY in staging: openaiApiKeyWorker and openaiApiKeyCi still hold the value they held when the rotation started at 2026-11-29T03:00:00Z. Set the new values: pulumi config set --secret openaiApiKeyWorker --stack staging; pulumi config set --secret openaiApiKeyCi --stack staging; then run npx pegasus-secrets rotate OPENAI_API_KEY --stack staging --operator alice again.",
      );

      fakePulumiSecretSet(p, "staging", "openaiApiKeyWorker");
      fakePulumiSecretSet(p, "staging", "openaiApiKeyCi");
      const done = await cli(p, ["rotate", "OPENAI_API_KEY", "--stack", "staging", ...op]);
      expect(done.code).toBe(0);
      expect(done.out).toContain(
        "Rotated OPENAI_API_KEY in staging: keeper initial -> 2026-11-29.1.",
      );
      expect(logEntries(p)[1]).toMatchObject({
        action: "rotate",
        variable: "OPENAI_API_KEY",
        externalKeys: ["openaiApiKeyApi", "openaiApiKeyWorker", "openaiApiKeyCi"],
        valuePending: false,
      });
      // The previous key stays in Secret Manager until finalize: no new rotation meanwhile.
      expect(p.read("Pulumi.staging.yaml")).toContain(
        'pegasus-secrets:previousKeepers:\n    OPENAI_API_KEY: "initial"',
      );
      advance(p, 5);
      const again = await cli(p, ["rotate", "OPENAI_API_KEY", "--stack", "staging", ...op]);
      expect([again.code, refusal(again)]).toEqual([
        1,
        expect.stringMatching(
          /^Refusing to rotate OPENAI_API_KEY in staging: its last rotation is still open/,
        ),
      ]);
    });
  });
});
