import { randomBytes } from "crypto";
import {
  applied,
  cli,
  logEntries,
  ok,
  refusal,
  setStackConfig,
  TempProject,
  tempProject,
} from "./helpers";
import { LocalService, startLocalService, verifyConfig } from "../../runbook/server";

describe("verify", () => {
  let svc: LocalService;
  let p: TempProject;
  beforeAll(async () => {
    svc = await startLocalService();
  });
  afterAll(() => svc.stop());
  const configure = (ready?: Record<string, string>, smoke = true) =>
    setStackConfig(p, "staging", "pegasus-secrets:verify", verifyConfig(svc, ready, smoke));
  const run = () => cli(p, ["verify", "--stack", "staging", "--operator", "alice"]);

  beforeEach(async () => {
    p = tempProject();
    p.env.PEGASUS_SMOKE_TOKEN = svc.token;
    svc.reset();
    // What CI records after pulumi up: staging runs the keepers of its file.
    configure();
    expect((await applied(p, "staging")).code).toBe(0);
  });
  afterEach(() => p.cleanup());

  it("checks readiness and the ingest-to-generate flow, prints each result and records the run", async () => {
    configure();
    const r = await run();
    expect(r.code).toBe(0);
    // Result lines; progress lines ("...") come between them while a step waits.
    const lines = r.out.split("\n").filter((l) => !l.startsWith("  ...  "));
    expect(lines[0]).toBe(
      "Verifying staging: 2 readiness endpoint(s), 4 smoke step(s), deadline 10 s.",
    );
    expect(lines[1]).toMatch(
      /^ {2}ok {4}deployed {2}keepers {2}operations\/log\.jsonl \(applied\) {2}staging runs every keeper of Pulumi\.staging\.yaml \(operations\/log\.jsonl line 1, applied 2026-11-29T03:00:00Z\)$/,
    );
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
      "verify of staging passed: 6 of 6 checks, on a confirmed deploy (recorded in operations/log.jsonl line 2).",
    );
    const e = logEntries(p)[1];
    expect(e).toMatchObject({
      action: "verify",
      stack: "staging",
      operator: "alice",
      ok: true,
      confirmed: true,
      appliedLine: 1,
      unconfirmedReason: null,
    });
    expect(e.keepers).toMatchObject({ JWT_SECRET: "initial", OPENAI_API_KEY: "initial" });
    expect(e.checks).toHaveLength(7);
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
      "verify of staging failed: 5 of 6 checks failed (recorded in operations/log.jsonl line 2). Fix what failed, or roll the keeper back, and run verify again; nothing further in the runbook proceeds until it passes.",
    );
    expect(logEntries(p)[1]).toMatchObject({ action: "verify", ok: false });
    expect(svc.requests).not.toContain("POST /v1/ingest");
  });

  it("cuts a slow endpoint at the request timeout, and rides out a flaky one", async () => {
    configure({ api: "/slow", worker: "/flaky" });
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

  describe("fails closed: it checks only a deploy the log confirms", () => {
    it("refuses without an applied entry of the stack, sending no request and recording nothing", async () => {
      const before = p.read("operations/log.jsonl");
      p.write("operations/log.jsonl", "");
      const r = await run();
      expect(r.code).toBe(1);
      expect(refusal(r)).toBe(
        'Refusing to verify staging: nothing confirms that it runs the keepers of Pulumi.staging.yaml (no `applied` entry of staging is recorded in operations/log.jsonl), so the checks would test whatever ran before. Next: push the change to main (CI applies staging and records it), or pulumi up --stack staging, then npx pegasus-secrets applied --stack staging --operator alice; then verify. To check anyway, recorded as unconfirmed (it never unlocks production or finalize): --unconfirmed-deploy "<reason>".',
      );
      expect(svc.requests).toEqual([]);
      expect(p.read("operations/log.jsonl")).toBe("");
      expect(before).not.toBe("");
    });

    it("refuses after a rotation the stack has not applied yet, naming what differs", async () => {
      await ok(p, ["rotate", "JWT_SECRET", "--stack", "staging", "--operator", "alice"]);
      const r = await run();
      expect(r.code).toBe(1);
      expect(refusal(r)).toContain(
        "(the latest applied entry of staging (operations/log.jsonl line 1, 2026-11-29T03:00:00Z) does not match Pulumi.staging.yaml: JWT_SECRET runs initial but the file says 2026-11-29.1; its previous values live are none, the file's JWT_SECRET)",
      );
      expect(svc.requests).toEqual([]);
      // Once the deploy is recorded, the same verify runs and counts for the rotation.
      expect((await applied(p, "staging")).code).toBe(0);
      const passed = await ok(p, ["verify", "--stack", "staging", "--operator", "alice"]);
      expect(passed.out).toContain(
        "Open rotations:\n  JWT_SECRET: staging verified JWT_SECRET keeper 2026-11-29.1; production has not rotated it yet. Next: npx pegasus-secrets rotate JWT_SECRET --stack production --operator alice",
      );
    });

    it("--unconfirmed-deploy checks anyway, records it as unconfirmed, and unlocks nothing", async () => {
      await ok(p, ["rotate", "JWT_SECRET", "--stack", "staging", "--operator", "alice"]);
      const r = await cli(p, [
        "verify",
        "--stack",
        "staging",
        "--operator",
        "alice",
        "--unconfirmed-deploy",
        "CI run lost its outputs",
      ]);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(
        /FAIL {2}deployed {2}keepers {2}operations\/log\.jsonl \(applied\) {2}UNCONFIRMED: the latest applied entry of staging .*; CI run lost its outputs/,
      );
      expect(r.out).toContain(
        "verify of staging passed 6 of 6 checks, UNCONFIRMED (recorded in operations/log.jsonl line 3): the deploy was not confirmed, so it does not move any rotation on. Record the deploy (applied), then verify again.",
      );
      expect(logEntries(p).pop()).toMatchObject({
        action: "verify",
        ok: true,
        confirmed: false,
        unconfirmedReason: "CI run lost its outputs",
      });
      const production = await cli(p, [
        "rotate",
        "JWT_SECRET",
        "--stack",
        "production",
        "--operator",
        "alice",
      ]);
      expect(production.code).toBe(1);
      expect(refusal(production)).toMatch(/before staging verified it/);
    });
  });

  describe("refuses a config it cannot run before any request (usage errors, exit 2)", () => {
    it("a missing smoke token: the variable is named, nothing is sent unauthenticated", async () => {
      delete p.env.PEGASUS_SMOKE_TOKEN;
      const r = await run();
      expect(r.code).toBe(2);
      expect(r.err).toContain(
        "`environment:PEGASUS_SMOKE_TOKEN`: is not set, and the smoke flow sends it (its headers reference it).",
      );
      expect(r.err).toContain(
        "export PEGASUS_SMOKE_TOKEN=<the smoke-test token of staging> in this shell, then run verify again.",
      );
      expect(svc.requests).toEqual([]);
    });

    it("readiness alone (no smoke flow), the committed placeholder URLs, a host that does not resolve", async () => {
      configure(undefined, false);
      const noSmoke = await run();
      expect(noSmoke.code).toBe(2);
      expect(noSmoke.err).toContain(
        "`pegasus-secrets:verify.smoke`: is empty: the guide's check after a change is /health/ready plus one ingest -> generate flow, and readiness alone is not it.",
      );
      setStackConfig(p, "staging", "pegasus-secrets:verify", {
        ready: { api: "https://api.staging.example.com/health/ready" },
        smoke: [
          { name: "ingest", method: "POST", url: "https://api.staging.example.com/v1/ingest" },
        ],
      });
      const placeholder = await run();
      expect(placeholder.code).toBe(2);
      expect(placeholder.err).toContain(
        "Stack staging cannot be verified: its verify URLs are the committed placeholders",
      );
      setStackConfig(p, "staging", "pegasus-secrets:verify", {
        ready: { api: "https://api.pegasus-staging.invalid-tld-for-tests.test/health/ready" },
        smoke: [
          {
            name: "ingest",
            method: "POST",
            url: "https://api.pegasus-staging.invalid-tld-for-tests.test/v1/ingest",
          },
        ],
      });
      const unresolved = await run();
      expect(unresolved.code).toBe(1);
      expect(refusal(unresolved)).toBe(
        "Cannot verify staging: api.pegasus-staging.invalid-tld-for-tests.test does not resolve (a typo, or a URL still to replace in pegasus-secrets:verify of Pulumi.staging.yaml). Nothing was checked or recorded.",
      );
      expect(logEntries(p).map((e) => e.action)).toEqual(["applied"]);
      expect(svc.requests).toEqual([]);
    });

    it("a stack without verify config, and a credential written into the stack file", async () => {
      setStackConfig(p, "staging", "pegasus-secrets:verify", undefined);
      const none = await run();
      expect(none.code).toBe(2);
      expect(none.err).toContain(
        "`pegasus-secrets:verify.ready`: lists no readiness URL, so there is nothing to check.",
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
      expect(logEntries(p).map((e) => e.action)).toEqual(["applied"]);
    });
  });

  it("prints progress while a step waits, before its result line", async () => {
    const r = await run();
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    const waiting = lines.findIndex((l) => l.startsWith("  ...   smoke     ingestion finishes  "));
    const done = lines.findIndex((l) => l.startsWith("  ok    smoke     ingestion finishes  "));
    expect(lines[waiting]).toMatch(
      /waiting for status = "done" \(status is "running"\), attempt 1, \d\.\d s of \d+\.\d s$/,
    );
    expect(waiting).toBeGreaterThan(0);
    expect(done).toBeGreaterThan(waiting);
  });
});
