// The runbook of docs/runbook.md, command by command, against a temp copy of the project and a
// local stand-in for the services: staging -> production -> finalize, then evidence; and what the
// production plan declares for it (the staggered rollout, the rotation-age warnings). What this does
// not prove: `pulumi up` itself (no Pulumi CLI here), so between the commands the keepers in the stack
// files are what a real `pulumi up` would apply.
//
// One offline evaluation of production (the real program under mocks) is shared by every test here.
import { evaluate, Evaluation, planJson } from "../../../cli/plan";
import { appendLog, CheckResult } from "../../../cli/runbook/log";
import { storeProof } from "../../../cli/runbook/proofs";
import { overdueWarnings } from "../../../cli/runbook/status";
import { runProgram } from "../../../stacks";
import { advance, cli, logEntries, setStackConfig, TempProject, tempProject } from "./helpers";
import { LocalService, startLocalService, verifyConfig } from "../../runbook/server";

let production: Evaluation;
beforeAll(async () => {
  const base = tempProject("2026-11-29T03:00:00Z");
  try {
    production = await evaluate({
      projectDir: base.dir,
      stack: "production",
      program: () => runProgram({ now: base.clock.now, stackFilesDir: base.dir }),
    });
  } finally {
    base.cleanup();
  }
}, 30000);
/** `evidence` reads the plan through this: the shared evaluation. */
const cachedPlan = { evaluate: async () => production };

describe("one full rotation of JWT_SECRET, staging -> production -> finalize", () => {
  let p: TempProject;
  let svc: LocalService;
  beforeAll(async () => {
    svc = await startLocalService();
    p = tempProject("2026-11-29T03:00:00Z");
    p.env.PEGASUS_SMOKE_TOKEN = svc.token;
    for (const stack of ["staging", "production"]) {
      setStackConfig(p, stack, "pegasus-secrets:verify", verifyConfig(svc));
    }
  });
  afterAll(async () => {
    await svc.stop();
    p.cleanup();
  });

  const step = async (args: string[]) => {
    advance(p, 5);
    const r = await cli(p, args);
    if (r.code !== 0) throw new Error(`${args.join(" ")} exited ${r.code}: ${r.err}`);
    return r.out;
  };

  it("runs every step in order and records each one", async () => {
    const op = ["--operator", "alice"];
    const out1 = await step([
      "rotate",
      "JWT_SECRET",
      "--stack",
      "staging",
      ...op,
      "--reason",
      "scheduled rotation",
    ]);
    expect(out1).toContain("Rotated JWT_SECRET in staging: keeper initial -> 2026-11-29.1.");
    expect(out1).toContain(
      "  1. pulumi up --stack staging\n  2. npx pegasus-secrets verify --stack staging --operator alice\n  3. npx pegasus-secrets finalize JWT_SECRET --stack staging --operator alice",
    );
    expect(p.read("Pulumi.staging.yaml")).toContain('JWT_SECRET: "2026-11-29.1"');
    expect(p.read("Pulumi.staging.yaml")).toMatch(
      /pegasus-secrets:previousKeepers:\n\s+JWT_SECRET: "initial"/,
    );

    // Production is refused until staging has been verified.
    advance(p, 1);
    const early = await cli(p, ["rotate", "JWT_SECRET", "--stack", "production", ...op]);
    expect(early.code).toBe(1);

    expect(await step(["verify", "--stack", "staging", ...op])).toContain(
      "verify of staging passed: 6 of 6 checks",
    );
    expect(await step(["finalize", "JWT_SECRET", "--stack", "staging", ...op])).toContain(
      "Finalized JWT_SECRET in staging: the previous value (keeper initial) is revoked; keeper 2026-11-29.1 stays.",
    );
    expect(p.read("Pulumi.staging.yaml")).not.toContain("previousKeepers");
    await step(["verify", "--stack", "staging", ...op]);

    const out2 = await step(["rotate", "JWT_SECRET", "--stack", "production", ...op]);
    expect(out2).toContain("Rotated JWT_SECRET in production: keeper initial -> 2026-11-29.1.");
    expect(out2).toContain(
      "pulumi up --stack production   (applies to api, then worker, one at a time, each behind its /health/ready gate)",
    );
    await step(["verify", "--stack", "production", ...op]);
    await step(["finalize", "JWT_SECRET", "--stack", "production", ...op]);
    await step(["verify", "--stack", "production", ...op]);

    expect(logEntries(p).map((e) => `${e.action} ${e.stack ?? ""} ${e.ok ?? ""}`.trim())).toEqual([
      "rotate staging",
      "verify staging true",
      "finalize staging",
      "verify staging true",
      "rotate production",
      "verify production true",
      "finalize production",
      "verify production true",
    ]);

    const status = await step(["rotation-status", "--stack", "production"]);
    expect(status).toMatch(/JWT_SECRET\s+2026-11-29\.1\s+2026-11-29T03:\d\d:00Z\s+0d\s+90d\s+ok/);

    const ev = await cli(p, ["evidence", "--stack", "production"], cachedPlan);
    expect(ev.code).toBe(0);
    const record = p.read("operations/evidence/2026-11-29-production.md");
    expect(record).toContain(
      "## Test: secret rotation rehearsal in staging with health and pipeline smoke checks — MET",
    );
    expect(record).toContain(
      "## Proof: dated secret version update plus successful readiness output — MET",
    );
    expect(record).not.toContain(svc.token);
    expect(record).not.toContain(svc.canary);
  });
});

describe("evidence: the guide's three proof lines", () => {
  let p: TempProject;
  beforeEach(() => {
    p = tempProject("2026-11-29T03:00:00Z");
  });
  afterEach(() => p.cleanup());
  const run = () => cli(p, ["evidence", "--stack", "production"], cachedPlan);
  const record = (n = "") => p.read(`operations/evidence/2026-11-29-production${n}.md`);
  const check = (kind: "ready" | "smoke", name: string, ok = true): CheckResult => ({
    kind,
    name,
    ok,
    detail: ok
      ? "HTTP 200 after 1 attempt (0.1 s)"
      : "not ready after 120.0 s (24 attempts): last answer HTTP 503",
    attempts: 1,
    ms: 100,
    url: `https://${name}.example/health/ready`,
  });
  const verified = (stack: string, keepers: Record<string, string>, checks: CheckResult[]) =>
    appendLog(p.dir, {
      action: "verify",
      ts: p.clock.now.toISOString().replace(/\.\d{3}Z$/, "Z"),
      operator: "alice",
      stack,
      ok: checks.every((c) => c.ok),
      keepers,
      previousKeepers: {},
      deployedKeepers: null,
      checks,
      ms: 300,
    });

  it("says 'no data' and which command produces it, for a proof line with nothing behind it", async () => {
    const r = await run();
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        "Wrote operations/evidence/2026-11-29-production.md:",
        "  MET      Endpoint/UI: secret-store configuration for each deploy target",
        "  NO DATA  Test: secret rotation rehearsal in staging with health and pipeline smoke checks",
        "  NO DATA  Proof: dated secret version update plus successful readiness output",
        "Not every proof line is met: the record says what is missing and which command produces it.",
      ].join("\n"),
    );
    const text = record();
    expect(text).toContain(
      "- no data: operations/log.jsonl records no rotation in staging; rehearse one: npx pegasus-secrets rotate <VARIABLE> --stack staging --operator <you>, pulumi up --stack staging, npx pegasus-secrets verify --stack staging",
    );
    expect(text).toContain(
      "- no data: operations/log.jsonl records no rotation in production; npx pegasus-secrets rotate <VARIABLE> --stack production --operator <you> records one",
    );
    expect(text).toMatch(
      /- GCP Secret Manager \(project pegasus-production\): 14 secrets, replication europe-west1, europe-west4; \d+ accessor grants, to 3 runtime identities only \(production-api@pegasus-production\.iam\.gserviceaccount\.com, /,
    );
    expect(text).toContain(
      "Data Access audit logging ADMIN_READ, DATA_READ, DATA_WRITE, no exempted members.",
    );
    expect(text).toContain(
      "- Render: Render env group pegasus-production-api (workspace tea-c0ffeeproduction0k) linked to srv-productionapik7q2: ",
    );
    expect(text).toContain(
      "- Local development: .env files are gitignored (.env, .env.*, !.env.example); .env.example lists",
    );
    expect(text).toContain(
      "It cites operations/log.jsonl lines 1-0 (sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855)",
    );
    // A second record the same day never overwrites the first.
    await run();
    expect(record("-2")).toContain("# Secrets-management evidence: production, 2026-11-29");
  });

  it("cites the staging rehearsal with health and smoke, and production's version update with its readiness", async () => {
    await cli(p, [
      "rotate",
      "REDIS_URL",
      "--stack",
      "staging",
      "--operator",
      "alice",
      "--break-glass",
      "--incident",
      "DRILL-1",
    ]);
    advance(p, 20);
    verified("staging", { REDIS_URL: "2026-11-29.1" }, [
      check("ready", "api"),
      check("ready", "worker"),
      check("smoke", "ingest a document"),
    ]);
    advance(p, 20);
    await cli(p, ["rotate", "DATABASE_URL", "--stack", "staging", "--operator", "alice"]);
    await cli(p, [
      "rotate",
      "DATABASE_URL",
      "--stack",
      "production",
      "--operator",
      "alice",
      "--break-glass",
      "--incident",
      "DRILL-1",
    ]);
    advance(p, 20);
    verified("production", { DATABASE_URL: "2026-11-29.1" }, [
      check("ready", "api"),
      check("ready", "worker"),
    ]);
    const r = await run();
    // The latest staging rotation (DATABASE_URL) has no verify after it: the rehearsal cited is REDIS_URL's.
    expect(r.out).toContain("  MET      Test: secret rotation rehearsal");
    expect(r.out).toContain("  MET      Proof: dated secret version update");
    const text = record();
    expect(text).toContain(
      "- Rotation of REDIS_URL in staging at 2026-11-29T03:00:00Z by alice: keeper initial -> 2026-11-29.1 (operations/log.jsonl line 1).\n" +
        "- Verify at 2026-11-29T03:20:00Z by alice (operations/log.jsonl line 2): passed.\n" +
        "- Deployed: not confirmed (the Pulumi CLI could not report the stack's rotationKeepers output when verify ran)\n" +
        "- Health: ok ready api (https://api.example/health/ready): HTTP 200 after 1 attempt (0.1 s)\n",
    );
    expect(text).toContain("- Smoke: ok smoke ingest a document");
    expect(text).toContain(
      "- 2026-11-29: DATABASE_URL in production got a new version (keeper initial -> 2026-11-29.1) in production-database-url-api, production-database-url-worker, production-database-url-ci, by alice (break-glass, incident DRILL-1) (operations/log.jsonl line 4).\n" +
        "- Readiness at 2026-11-29T04:00:00Z (operations/log.jsonl line 5):\n",
    );

    // A failed readiness after a later rotation is reported as failed, never as met.
    advance(p, 60);
    verified("staging", { DATABASE_URL: "2026-11-29.1" }, [check("ready", "api", false)]);
    await cli(p, [
      "rotate",
      "SIGNED_URL_KEY",
      "--stack",
      "production",
      "--operator",
      "alice",
      "--break-glass",
      "--incident",
      "DRILL-1",
    ]);
    verified("production", { SIGNED_URL_KEY: "2026-11-29.1" }, [check("ready", "api", false)]);
    const again = await run();
    expect(again.out).toContain("  FAILED   Test: secret rotation rehearsal");
    expect(again.out).toContain("  FAILED   Proof: dated secret version update");
  });

  it("says 'no data' for a deploy target the stack does not configure", () => {
    const plan = planJson(production);
    const proof = storeProof(
      { ...plan, deliveries: plan.deliveries.filter((d) => d.target !== "fly") },
      p.dir,
    );
    expect(proof.state).toBe("no-data");
    expect(proof.lines).toContain(
      "Fly.io: no data: stack production configures no Fly.io target (pegasus-secrets:targets.fly); docs/platforms.md shows how to add one",
    );
  });
});

describe("the production plan", () => {
  it("applies to the api, gates on it, and only then to the worker, whose gate follows", () => {
    const byName = (type: string, name: string) =>
      production.resources.find((r) => r.type === type && r.name === name)!;
    const component = (name: string) =>
      production.resources.find((r) => r.name === name && r.type.startsWith("pegasus:platforms:"))!;
    const gateType = "pegasus:rollout:ReadinessGate";
    expect(byName(gateType, "api-readiness").options.dependencies).toEqual([
      "render-api",
      "fly-api",
      "railway-api",
    ]);
    expect(byName(gateType, "worker-readiness").options.dependencies).toEqual([
      "render-worker",
      "fly-worker",
      "railway-worker",
    ]);
    for (const d of ["render-worker", "fly-worker", "railway-worker"]) {
      expect(component(d).options.dependencies).toContain("api-readiness");
    }
    for (const d of ["render-api", "fly-api", "railway-api"]) {
      expect(component(d).options.dependencies).not.toContain("api-readiness");
      expect(component(d).options.dependencies).not.toContain("worker-readiness");
    }
    const check = byName("pulumi-nodejs:dynamic/pegasus:ReadinessCheck", "api-readiness");
    expect(check.inputs).toMatchObject({
      service: "api",
      url: "https://api.pegasus-test.dev/health/ready",
      timeoutMs: 600000,
      intervalMs: 10000,
      requestTimeoutMs: 10000,
      successes: 3,
    });
    // The trigger names keepers, never a value.
    expect(String(check.inputs.trigger)).toMatch(
      /^AWS_ACCESS_KEY_ID=initial;.*JWT_SECRET=initial;/,
    );
  });

  it("warns about production secrets past their period, or with no recorded rotation", () => {
    const p = tempProject("2026-11-29T03:00:00Z");
    try {
      const nobodyTold = production.model.signals.warnings;
      expect(nobodyTold).toHaveLength(1);
      expect(planJson(production).warnings).toEqual(nobodyTold);
      const warnings = overdueWarnings(p.dir, production.model, p.clock.now);
      expect(planJson(production, { warnings }).warnings).toEqual([
        ...nobodyTold,
        "7 production secret(s) have no recorded rotation (OPENAI_API_KEY, DATABASE_URL, REDIS_URL, JWT_SECRET, SIGNED_URL_KEY, WEBHOOK_SHARED_SECRET, AWS_SECRET_ACCESS_KEY): their age is unknown until each is rotated through the runbook (operations/log.jsonl).",
      ]);
    } finally {
      p.cleanup();
    }
  });
});
