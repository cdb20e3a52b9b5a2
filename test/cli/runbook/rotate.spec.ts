import { appendLog, VerifyEntry } from "../../../cli/runbook/log";
import { nextKeeper } from "../../../model";
import {
  advance,
  cli,
  fakePulumiSecretSet,
  logEntries,
  refusal,
  TempProject,
  tempProject,
} from "./helpers";

/** A verify entry as `verify` records it (the verify command itself is tested in verify.spec.ts). */
const verified = (
  p: TempProject,
  stack: string,
  keepers: Record<string, string>,
  ok = true,
): void => {
  const e: VerifyEntry = {
    action: "verify",
    ts: p.clock.now.toISOString().replace(/\.\d{3}Z$/, "Z"),
    operator: "alice",
    stack,
    ok,
    keepers,
    previousKeepers: {},
    deployedKeepers: null,
    checks: [
      {
        kind: "ready",
        name: "api",
        ok,
        detail: ok ? "ready" : "not ready",
        attempts: 1,
        ms: 1,
        url: "http://127.0.0.1/ready",
      },
    ],
    ms: 1,
  };
  appendLog(p.dir, e);
};

describe("rotate", () => {
  let p: TempProject;
  beforeEach(() => {
    p = tempProject("2026-11-29T03:00:00Z");
  });
  afterEach(() => p.cleanup());
  const op = ["--operator", "alice"];

  it("bumps the keeper, opens the overlap window and records who, when, what and the impact", async () => {
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
    expect(file).toContain("# Test fixture: a staging stack with every platform target configured");
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
    expect(r.out).toContain("Next steps, in order:\n  1. pulumi up --stack staging\n");
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
    expect(e.previousKeeper).toBeNull();
    expect(p.read("Pulumi.staging.yaml")).not.toContain("previousKeepers");
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

    it("a second rotation while the overlap window is open", async () => {
      expect((await cli(p, ["rotate", "JWT_SECRET", "--stack", "staging", ...op])).code).toBe(0);
      await refused(
        ["rotate", "JWT_SECRET", "--stack", "staging", ...op],
        "Refusing to rotate JWT_SECRET in staging: its overlap window is still open (the previous value, keeper initial, is still valid). Finalize it first: npx pegasus-secrets finalize JWT_SECRET --stack staging --operator alice.",
      );
    });

    it("production before staging has been rotated and verified", async () => {
      await refused(
        ["rotate", "REDIS_URL", "--stack", "production", ...op],
        "Refusing to rotate REDIS_URL in production: staging has no recorded rotation of REDIS_URL since production's last one (none recorded). Rotate staging first: npx pegasus-secrets rotate REDIS_URL --stack staging --operator alice, then pulumi up --stack staging, then npx pegasus-secrets verify --stack staging --operator alice.",
      );
      expect((await cli(p, ["rotate", "SIGNED_URL_KEY", "--stack", "staging", ...op])).code).toBe(
        0,
      );
      advance(p, 10);
      await refused(
        ["rotate", "SIGNED_URL_KEY", "--stack", "production", ...op],
        "Refusing to rotate SIGNED_URL_KEY in production: staging rotated it at 2026-11-29T03:00:00Z (keeper 2026-11-29.1) but no `verify --stack staging` has been recorded since. Run pulumi up --stack staging, then npx pegasus-secrets verify --stack staging --operator alice.",
      );
      // A verify that saw the old keeper (before pulumi up picked up the file) does not count.
      verified(p, "staging", { SIGNED_URL_KEY: "initial" });
      await refused(
        ["rotate", "SIGNED_URL_KEY", "--stack", "production", ...op],
        "Refusing to rotate SIGNED_URL_KEY in production: staging rotated it at 2026-11-29T03:00:00Z (keeper 2026-11-29.1) but no `verify --stack staging` has been recorded since. Run pulumi up --stack staging, then npx pegasus-secrets verify --stack staging --operator alice.",
      );
      verified(p, "staging", { SIGNED_URL_KEY: "2026-11-29.1" }, false);
      await refused(
        ["rotate", "SIGNED_URL_KEY", "--stack", "production", ...op],
        "Refusing to rotate SIGNED_URL_KEY in production: the latest `verify --stack staging` (2026-11-29T03:10:00Z) after staging's rotation of SIGNED_URL_KEY failed. Fix staging, then run npx pegasus-secrets verify --stack staging --operator alice until it passes.",
      );
      verified(p, "staging", { SIGNED_URL_KEY: "2026-11-29.1" });
      const ok = await cli(p, ["rotate", "SIGNED_URL_KEY", "--stack", "production", ...op]);
      expect(ok.code).toBe(0);
      expect(ok.out).toContain(
        "Rotated SIGNED_URL_KEY in production: keeper initial -> 2026-11-29.1.",
      );
    });

    it("a second production rotation needs a new staging rotation and verify after the first", async () => {
      expect((await cli(p, ["rotate", "DATABASE_URL", "--stack", "staging", ...op])).code).toBe(0);
      verified(p, "staging", { DATABASE_URL: "2026-11-29.1" });
      advance(p, 30);
      expect((await cli(p, ["rotate", "DATABASE_URL", "--stack", "production", ...op])).code).toBe(
        0,
      );
      advance(p, 30);
      await refused(
        ["rotate", "DATABASE_URL", "--stack", "production", ...op],
        "Refusing to rotate DATABASE_URL in production: staging has no recorded rotation of DATABASE_URL since production's last one (2026-11-29T03:30:00Z). Rotate staging first: npx pegasus-secrets rotate DATABASE_URL --stack staging --operator alice, then pulumi up --stack staging, then npx pegasus-secrets verify --stack staging --operator alice.",
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
        "  1. pulumi config set --secret redisUrl --stack production   (the new value, before pulumi up)\n  2. pulumi up --stack production",
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
      // The next rotation starts over.
      advance(p, 5);
      expect(
        (await cli(p, ["rotate", "OPENAI_API_KEY", "--stack", "staging", ...op])).out,
      ).toContain("Rotation started");
    });
  });
});
