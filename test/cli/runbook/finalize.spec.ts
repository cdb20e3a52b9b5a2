import {
  advance,
  applied,
  cli,
  fakePulumiSecretSet,
  logEntries,
  ok,
  refusal,
  rotateThroughProduction,
  TempProject,
  tempProject,
  verified,
} from "./helpers";

describe("finalize", () => {
  let p: TempProject;
  const op = ["--operator", "alice"];
  beforeEach(() => {
    p = tempProject("2026-11-29T03:00:00Z");
  });
  afterEach(() => p.cleanup());

  /** Runs a command that must be refused with `message`, changing neither stack file nor the log. */
  const refused = async (args: string[], message: string) => {
    const files = ["Pulumi.staging.yaml", "Pulumi.production.yaml"].map((f) => p.read(f));
    const log = p.exists("operations/log.jsonl") ? p.read("operations/log.jsonl") : "";
    const r = await cli(p, args);
    expect(refusal(r)).toBe(message);
    expect(r.code).toBe(1);
    expect(["Pulumi.staging.yaml", "Pulumi.production.yaml"].map((f) => p.read(f))).toEqual(files);
    expect(p.exists("operations/log.jsonl") ? p.read("operations/log.jsonl") : "").toBe(log);
  };

  it("refuses a secret with no open rotation, naming where it stands and the next command", async () => {
    await refused(
      ["finalize", "REDIS_URL", "--stack", "staging", ...op],
      "REDIS_URL has no open rotation in staging (Pulumi.staging.yaml has no previousKeepers.REDIS_URL), so nothing is left to revoke; staging has no recorded rotation of REDIS_URL. Next: npx pegasus-secrets rotate REDIS_URL --stack staging --operator alice.",
    );
  });

  it("refuses at every step before production verified, even in staging", async () => {
    await ok(p, ["rotate", "JWT_SECRET", "--stack", "staging", ...op]);
    const staging = { JWT_SECRET: "2026-11-29.1" };
    const finalizeStaging = ["finalize", "JWT_SECRET", "--stack", "staging", ...op];
    await refused(
      finalizeStaging,
      "Refusing to finalize JWT_SECRET in staging: production has not verified the rotation yet (staging rotated JWT_SECRET (keeper 2026-11-29.1) but no `applied` entry shows staging running it). The previous value is revoked only after the rollout is verified. Next: pulumi up --stack staging, then npx pegasus-secrets applied --stack staging --operator alice (CI does both when the change reaches main).",
    );
    // A passing verify recorded before the deploy counts for nothing.
    verified(p, "staging", staging);
    expect((await applied(p, "staging")).code).toBe(0);
    verified(p, "staging", staging, false);
    await refused(
      finalizeStaging,
      "Refusing to finalize JWT_SECRET in staging: the latest verify of staging after the rotation failed, so services may still depend on the previous value. The previous value is revoked only after the rollout is verified. Next: npx pegasus-secrets verify --stack staging --operator alice.",
    );
    verified(p, "staging", staging);
    await refused(
      finalizeStaging,
      "Refusing to finalize JWT_SECRET in staging: production has not verified the rotation yet (staging verified JWT_SECRET keeper 2026-11-29.1; production has not rotated it yet). The previous value is revoked only after the rollout is verified. Next: npx pegasus-secrets rotate JWT_SECRET --stack production --operator alice.",
    );
    await ok(p, ["rotate", "JWT_SECRET", "--stack", "production", ...op]);
    expect((await applied(p, "production")).code).toBe(0);
    // An unconfirmed verify of production (deploy not recorded) never unlocks finalize.
    verified(p, "production", staging, true, false);
    await refused(
      ["finalize", "JWT_SECRET", "--stack", "production", ...op],
      "Refusing to finalize JWT_SECRET in production: production has not verified the rotation yet (production runs JWT_SECRET keeper 2026-11-29.1 but no confirmed verify of production has passed since). The previous value is revoked only after the rollout is verified. Next: npx pegasus-secrets verify --stack production --operator alice.",
    );
  });

  it("revokes the previous keeper once production verified: the stack file loses it, the log says what goes", async () => {
    await rotateThroughProduction(p, "JWT_SECRET");
    const r = await ok(p, [
      "finalize",
      "JWT_SECRET",
      "--stack",
      "staging",
      ...op,
      "--reason",
      "verified in both stacks",
    ]);
    const file = p.read("Pulumi.staging.yaml");
    expect(file).not.toContain("previousKeepers");
    expect(file).toContain('JWT_SECRET: "2026-11-29.1"');
    const e = logEntries(p).pop()!;
    expect(e).toMatchObject({
      action: "finalize",
      operator: "alice",
      stack: "staging",
      variable: "JWT_SECRET",
      keeper: "2026-11-29.1",
      revokedKeeper: "initial",
      secretIds: ["staging-jwt-secret"],
      revokedAtIssuer: null,
      reason: "verified in both stacks",
    });
    expect(e.platformVariables).toHaveLength(3);
    expect(e.platformVariables[0]).toMatch(/^JWT_SECRET_PREVIOUS on Render env group /);
    expect(e.revoked[0]).toBe(
      "Secret Manager: the version of keeper initial is disabled in staging-jwt-secret (disabled, not destroyed)",
    );
    expect(r.out).toContain(
      "Finalized JWT_SECRET in staging: the previous value (keeper initial) is revoked at the next pulumi up; keeper 2026-11-29.1 stays.",
    );
    expect(r.out).toContain(
      "Next steps, in order:\n  1. commit and push (CI applies staging); or pulumi up --stack staging, then npx pegasus-secrets applied --stack staging --operator alice\n  2. npx pegasus-secrets verify --stack staging --operator alice",
    );
    // Production is finalized the same way; until then no new rotation of JWT_SECRET starts.
    await refused(
      ["rotate", "JWT_SECRET", "--stack", "staging", ...op],
      "Refusing to rotate JWT_SECRET in staging: its last rotation is still open in production (the previous value, keeper initial, is still live there; production verified JWT_SECRET keeper 2026-11-29.1; the previous values are still live). One rotation at a time. Next: npx pegasus-secrets finalize JWT_SECRET --stack production --operator alice.",
    );
    const prod = await ok(p, ["finalize", "JWT_SECRET", "--stack", "production", ...op]);
    expect(prod.out).toContain(
      "  1. commit and push: CI applies production (applies to api, then worker, one at a time, each behind its /health/ready gate) and records it (`applied`)",
    );
    expect(p.read("Pulumi.production.yaml")).not.toContain("previousKeepers");
    const status = await ok(p, ["rotation-status", "--stack", "production", "--json"]);
    expect(
      JSON.parse(status.out).secrets.find((s: { variable: string }) => s.variable === "JWT_SECRET"),
    ).toMatchObject({ state: "finalized" });
    advance(p, 60);
    await ok(p, ["rotate", "JWT_SECRET", "--stack", "staging", ...op]);
    expect(logEntries(p).pop()).toMatchObject({
      oldKeeper: "2026-11-29.1",
      newKeeper: "2026-11-29.2",
      previousKeeper: "2026-11-29.1",
    });
  });

  it("names every revocation of a Cloud SQL credential: the previous user's password goes", async () => {
    await rotateThroughProduction(p, "DATABASE_URL");
    const r = await ok(p, ["finalize", "DATABASE_URL", "--stack", "production", ...op]);
    expect(r.out).toMatch(
      /Cloud SQL: user \S+ gets a new password nobody holds; its old one stops working\./,
    );
    expect(logEntries(p).pop()!.revoked).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Cloud SQL: user /)]),
    );
  });

  it("an external key is finalized only once the operator confirms its revocation at the issuer", async () => {
    const keys = ["openaiApiKeyApi", "openaiApiKeyWorker", "openaiApiKeyCi"];
    for (const stack of ["staging", "production"]) {
      await ok(p, ["rotate", "OPENAI_API_KEY", "--stack", stack, ...op]);
      keys.forEach((k) => fakePulumiSecretSet(p, stack, k));
      await ok(p, ["rotate", "OPENAI_API_KEY", "--stack", stack, ...op]);
      expect((await applied(p, stack)).code).toBe(0);
      verified(p, stack, { OPENAI_API_KEY: "2026-11-29.1" });
    }
    await refused(
      ["finalize", "OPENAI_API_KEY", "--stack", "production", ...op],
      "Refusing to finalize OPENAI_API_KEY in production before the old value is revoked where it was issued: OpenAI, https://platform.openai.com/api-keys (the project of this stack). Revoke the previous production value there (every service runs the new one: production verified it), then: npx pegasus-secrets finalize OPENAI_API_KEY --stack production --operator alice --revoked-at-issuer",
    );
    const r = await ok(p, [
      "finalize",
      "OPENAI_API_KEY",
      "--stack",
      "production",
      ...op,
      "--revoked-at-issuer",
    ]);
    expect(r.out).toContain("Revoked at OpenAI: confirmed by alice.");
    expect(logEntries(p).pop()).toMatchObject({
      action: "finalize",
      revokedAtIssuer: {
        issuer: "OpenAI",
        console: "https://platform.openai.com/api-keys (the project of this stack)",
      },
    });
  });
});
