import { randomBytes } from "crypto";
import { cli, logEntries, refusal, setStackConfig, TempProject, tempProject } from "./helpers";
import { LocalService, startLocalService, verifyConfig } from "../../runbook/server";

describe("verify", () => {
  let svc: LocalService;
  let p: TempProject;
  beforeAll(async () => {
    svc = await startLocalService();
  });
  afterAll(() => svc.stop());
  beforeEach(() => {
    p = tempProject();
    p.env.PEGASUS_SMOKE_TOKEN = svc.token;
    svc.reset();
  });
  afterEach(() => p.cleanup());

  const configure = (ready?: Record<string, string>, smoke = true) =>
    setStackConfig(p, "staging", "pegasus-secrets:verify", verifyConfig(svc, ready, smoke));
  const run = () => cli(p, ["verify", "--stack", "staging", "--operator", "alice"]);

  it("checks readiness and the ingest-to-generate flow, prints each result and records the run", async () => {
    configure();
    const r = await run();
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    expect(lines[0]).toBe(
      "Verifying staging: 2 readiness endpoint(s), 4 smoke step(s), deadline 10 s.",
    );
    expect(lines[1]).toContain("  note  could not read what pulumi up last applied");
    const parsed = lines
      .slice(2, 8)
      .map((l) => /^ {2}(ok|FAIL) +(ready|smoke) +(.+?) {2}/.exec(l)!.slice(1).join("|"));
    expect(parsed).toEqual([
      "ok|ready|api",
      "ok|ready|worker",
      "ok|smoke|ingest a document",
      "ok|smoke|ingestion finishes",
      "ok|smoke|generate from it",
      "ok|smoke|generation finishes",
    ]);
    expect(r.out).toContain(
      `ok    smoke     ingestion finishes  GET ${svc.url}/v1/jobs/ing-1  HTTP 200 after 3 attempts`,
    );
    expect(r.out).toContain(
      "verify of staging passed: 6 of 6 checks (recorded in operations/log.jsonl line 1).",
    );
    const [e] = logEntries(p);
    expect(e).toMatchObject({ action: "verify", stack: "staging", operator: "alice", ok: true });
    expect(e.keepers).toMatchObject({ JWT_SECRET: "initial", OPENAI_API_KEY: "initial" });
    expect(e.checks).toHaveLength(6);
    // The token and the response bodies reach neither the output nor the log.
    for (const text of [r.out, r.err, p.read("operations/log.jsonl")]) {
      expect(text).not.toContain(svc.token);
      expect(text).not.toContain(svc.canary);
    }
  });

  it("fails on a service that never becomes ready, skips the smoke flow, and exits non-zero", async () => {
    configure({ api: "/never", worker: "/ready" });
    const t0 = Date.now();
    const r = await run();
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /FAIL {2}ready +api {2}http:\/\/127\.0\.0\.1:\d+\/never {2}not ready after [01]\.\d s \(\d+ attempts\): last answer HTTP 503/,
    );
    expect(r.out).toContain(
      "FAIL  smoke     ingest a document  POST " +
        `${svc.url}/v1/ingest  not run: a service is not ready`,
    );
    expect(refusal(r)).toBe(
      "verify of staging failed: 5 of 6 checks failed (recorded in operations/log.jsonl line 1). Fix what failed, or roll the keeper back, and run verify again; nothing further in the runbook proceeds until it passes.",
    );
    expect(logEntries(p)[0]).toMatchObject({ action: "verify", ok: false });
    expect(svc.requests).not.toContain("POST /v1/ingest");
  });

  it("cuts a slow endpoint at the request timeout, and rides out a flaky one", async () => {
    configure({ api: "/slow", worker: "/flaky" }, false);
    svc.flakyFailures = 2;
    const t0 = Date.now();
    const r = await run();
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(r.out).toMatch(
      /FAIL {2}ready +api {2}\S+\/slow {2}not ready after [01]\.\d s \(\d attempts?\): last answer timed out after \d+ ms/,
    );
    expect(r.out).toMatch(/ok {4}ready +worker {2}\S+\/flaky {2}ready: HTTP 200 after 3 attempts/);
    expect(r.code).toBe(1);
  });

  it("stops polling a job that reports failure", async () => {
    configure();
    svc.failJobs = /^ing-/;
    const r = await run();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /FAIL {2}smoke +ingestion finishes {2}GET \S+ {2}HTTP 200: status is "failed" \(fails when status in \["failed"\]\)/,
    );
    expect(r.out).toContain(
      `FAIL  smoke     generate from it  POST ${svc.url}/v1/generate  not run: step "ingestion finishes" failed`,
    );
  });

  it("fails when the stack does not run the keepers of its file (verify before pulumi up)", async () => {
    configure(undefined, false);
    await cli(p, ["rotate", "JWT_SECRET", "--stack", "staging", "--operator", "alice"]);
    const initial = Object.fromEntries(
      [
        "OPENAI_API_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "JWT_SECRET",
        "SIGNED_URL_KEY",
        "WEBHOOK_SHARED_SECRET",
        "AWS_SECRET_ACCESS_KEY",
      ].map((v) => [v, "initial"]),
    );
    const stale = await cli(p, ["verify", "--stack", "staging", "--operator", "alice"], {
      deployedKeepers: () => initial,
    });
    expect(stale.code).toBe(1);
    expect(stale.out).toContain(
      "FAIL  deployed  keepers  pulumi stack output rotationKeepers --stack staging  staging runs JWT_SECRET initial but Pulumi.staging.yaml says JWT_SECRET 2026-11-29.1: run pulumi up --stack staging first",
    );
    expect(logEntries(p).pop()).toMatchObject({ ok: false, deployedKeepers: initial });
    // Once pulumi up has applied the file, the same checks pass and count for the rotation.
    const ok = await cli(p, ["verify", "--stack", "staging", "--operator", "alice"], {
      deployedKeepers: () => ({ ...initial, JWT_SECRET: "2026-11-29.1" }),
    });
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(
      "ok    deployed  keepers  pulumi stack output rotationKeepers --stack staging  pulumi up has applied every keeper of Pulumi.staging.yaml",
    );
    // Without the Pulumi CLI the checks still run, and the output says what could not be confirmed.
    const unknown = await run();
    expect(unknown.out).toContain(
      "  note  could not read what pulumi up last applied (pulumi stack output rotationKeepers --stack staging); run verify after pulumi up --stack staging.",
    );
  });

  it("names a missing smoke token instead of sending an unauthenticated request", async () => {
    configure();
    delete p.env.PEGASUS_SMOKE_TOKEN;
    const r = await run();
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      "not run: header Authorization needs the environment variable PEGASUS_SMOKE_TOKEN, which is not set",
    );
  });

  it("refuses a stack without verify config, and a credential written into the stack file", async () => {
    setStackConfig(p, "staging", "pegasus-secrets:verify", undefined);
    const none = await run();
    expect(none.code).toBe(1);
    expect(refusal(none)).toContain(
      "Stack staging has no `verify` config, so there is nothing to check.",
    );
    setStackConfig(p, "staging", "pegasus-secrets:verify", {
      ready: { api: `${svc.url}/ready` },
      smoke: [
        {
          name: "x",
          url: `${svc.url}/v1/ingest`,
          headers: { Authorization: `Bearer ${randomBytes(8).toString("hex")}` },
        },
      ],
    });
    const literal = await run();
    expect(literal.code).toBe(2);
    expect(literal.err).toContain(
      "`pegasus-secrets:verify.smoke.0.headers.Authorization`: carries a credential literally; a credential never sits in the stack file. Fix: reference the operator's environment instead",
    );
    expect(logEntries(p)).toEqual([]);
  });
});
