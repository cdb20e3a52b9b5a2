import { appendLog } from "../../../cli/runbook/log";
import { advance, cli, logEntries, refusal, TempProject, tempProject } from "./helpers";

describe("finalize", () => {
  let p: TempProject;
  const op = ["--operator", "alice"];
  const verify = (keeper: string, ok = true) =>
    appendLog(p.dir, {
      action: "verify",
      ts: "2026-11-29T03:20:00Z",
      operator: "alice",
      stack: "staging",
      ok,
      keepers: { JWT_SECRET: keeper },
      previousKeepers: { JWT_SECRET: "initial" },
      deployedKeepers: null,
      checks: [],
      ms: 1,
    });
  beforeEach(async () => {
    p = tempProject("2026-11-29T03:00:00Z");
    expect((await cli(p, ["rotate", "JWT_SECRET", "--stack", "staging", ...op])).code).toBe(0);
    advance(p, 30);
  });
  afterEach(() => p.cleanup());

  const refused = async (args: string[], message: string) => {
    const file = p.read("Pulumi.staging.yaml");
    const log = p.read("operations/log.jsonl");
    const r = await cli(p, args);
    expect(r.code).toBe(1);
    expect(refusal(r)).toBe(message);
    expect(p.read("Pulumi.staging.yaml")).toBe(file);
    expect(p.read("operations/log.jsonl")).toBe(log);
  };

  it("refuses a secret without an overlap window, and a window that is not open", async () => {
    await refused(
      ["finalize", "REDIS_URL", "--stack", "staging", ...op],
      "REDIS_URL has no overlap window: only signing keys (JWT_SECRET, SIGNED_URL_KEY) keep a previous value, so there is nothing to finalize. Its old value is replaced when pulumi up applies the rotation.",
    );
    await refused(
      ["finalize", "SIGNED_URL_KEY", "--stack", "staging", ...op],
      "SIGNED_URL_KEY has no open overlap window in staging (Pulumi.staging.yaml has no previousKeepers.SIGNED_URL_KEY): nothing to finalize.",
    );
  });

  it("refuses until a verify with the new keeper has passed", async () => {
    await refused(
      ["finalize", "JWT_SECRET", "--stack", "staging", ...op],
      "Refusing to finalize JWT_SECRET in staging: no `verify --stack staging` has been recorded with its current keeper 2026-11-29.1. Run pulumi up --stack staging, then npx pegasus-secrets verify --stack staging --operator alice, then finalize again.",
    );
    verify("initial");
    await refused(
      ["finalize", "JWT_SECRET", "--stack", "staging", ...op],
      "Refusing to finalize JWT_SECRET in staging: no `verify --stack staging` has been recorded with its current keeper 2026-11-29.1. Run pulumi up --stack staging, then npx pegasus-secrets verify --stack staging --operator alice, then finalize again.",
    );
    verify("2026-11-29.1", false);
    await refused(
      ["finalize", "JWT_SECRET", "--stack", "staging", ...op],
      "Refusing to finalize JWT_SECRET in staging: the latest `verify --stack staging` (2026-11-29T03:20:00Z) failed, and services may still depend on the previous value. Fix staging, then run npx pegasus-secrets verify --stack staging --operator alice until it passes.",
    );
  });

  it("revokes the previous keeper: removed from the stack file, recorded with what pulumi up disables", async () => {
    verify("2026-11-29.1");
    const r = await cli(p, [
      "finalize",
      "JWT_SECRET",
      "--stack",
      "staging",
      ...op,
      "--reason",
      "verified",
    ]);
    expect(r.code).toBe(0);
    const file = p.read("Pulumi.staging.yaml");
    expect(file).not.toContain("previousKeepers");
    expect(file).toContain('JWT_SECRET: "2026-11-29.1"');
    const e = logEntries(p).pop()!;
    expect(e).toEqual({
      action: "finalize",
      ts: "2026-11-29T03:30:00Z",
      operator: "alice",
      stack: "staging",
      variable: "JWT_SECRET",
      keeper: "2026-11-29.1",
      revokedKeeper: "initial",
      secretIds: ["staging-jwt-secret"],
      platformVariables: [
        "JWT_SECRET_PREVIOUS on Render env group pegasus-staging-api (workspace tea-c0ffeestaging0k) linked to srv-stagingapik7q2",
        "JWT_SECRET_PREVIOUS on Fly.io app pegasus-staging-api (app secrets)",
        "JWT_SECRET_PREVIOUS on Railway service 7d9c6a2e-41b0-4c3e-9f11-5a8e3b2c10a0 (project 7d9c6a2e-41b0-4c3e-9f11-5a8e3b2c1000, environment 7d9c6a2e-41b0-4c3e-9f11-5a8e3b2c1001; service variables)",
      ],
      reason: "verified",
    });
    expect(r.out).toContain(
      "  Secret Manager: the version of keeper initial is disabled in staging-jwt-secret (disabled, not destroyed).",
    );
    expect(r.out).toContain(
      "Next steps, in order:\n  1. pulumi up --stack staging\n  2. npx pegasus-secrets verify --stack staging --operator alice\n  3. npx pegasus-secrets rotate JWT_SECRET --stack production --operator alice",
    );
    // With the window closed, a new rotation of JWT_SECRET is allowed again.
    expect((await cli(p, ["rotate", "JWT_SECRET", "--stack", "staging", ...op])).code).toBe(0);
    expect(logEntries(p).pop()).toMatchObject({
      oldKeeper: "2026-11-29.1",
      newKeeper: "2026-11-29.2",
      previousKeeper: "2026-11-29.1",
    });
  });
});
