// `evidence`: the guide's three proof lines, each MET only with data behind it. One offline
// evaluation of the production fixture (the real program under mocks) is shared by every test; each
// false-claim path of the records is a test of its own. The whole rehearsal that meets all three is
// test/cli/runbook/walkthrough.spec.ts.
import { evaluate, Evaluation, planJson } from "../../../cli/plan";
import { readLog } from "../../../cli/runbook/log";
import { rehearsalProof, storeProof, versionProof } from "../../../cli/runbook/proofs";
import { runProgram } from "../../../stacks";
import { advance, applied, cli, ok, TempProject, tempProject, verified } from "./helpers";

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

describe("evidence: the guide's three proof lines, never claiming more than the records show", () => {
  let p: TempProject;
  beforeEach(() => {
    p = tempProject("2026-11-29T03:00:00Z");
  });
  afterEach(() => p.cleanup());
  const run = () =>
    cli(p, ["evidence", "--stack", "production"], { evaluate: async () => production });
  const plan = () => planJson(production);
  const rotate = (v: string, stack: string) =>
    ok(p, ["rotate", v, "--stack", stack, "--operator", "alice"]);

  it("on a fresh clone (placeholders, nothing applied) marks no line met, naming what is missing", async () => {
    const r = await run();
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        "Wrote operations/evidence/2026-11-29-production.md:",
        "  NO DATA  Endpoint/UI: secret-store configuration for each deploy target",
        "  NO DATA  Test: secret rotation rehearsal in staging with health and pipeline smoke checks",
        "  NO DATA  Proof: dated secret version update plus successful readiness output",
        "Not every proof line is met: the record says what is missing and which command produces it.",
      ].join("\n"),
    );
    const text = p.read("operations/evidence/2026-11-29-production.md");
    expect(text).toContain(
      "- Deployed: no data: operations/log.jsonl records no `applied` entry of production: the configuration exists in code only; the push workflow records one after each pulumi up (npx pegasus-secrets applied --stack production)",
    );
    expect(text).toContain(
      "It cites operations/log.jsonl lines 1-0 (sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855)",
    );
    // A second record the same day never overwrites the first.
    await run();
    expect(p.read("operations/evidence/2026-11-29-production-2.md")).toContain(
      "# Secrets-management evidence: production, 2026-11-29",
    );
  });

  it("Endpoint/UI: never met while the stack holds placeholders, even once applied", async () => {
    await applied(p, "production");
    const withPlaceholders = storeProof(
      {
        ...plan(),
        placeholders: [{ key: "pegasus-secrets:targets.render.ownerId", problem: "", fix: "" }],
      },
      p.dir,
      readLog(p.dir),
    );
    expect(withPlaceholders.state).toBe("no-data");
    expect(withPlaceholders.lines[0]).toMatch(
      /^Configuration: no data: production still holds 1 placeholder value\(s\) \(targets\.render\.ownerId\), so no real target is configured/,
    );
    const real = storeProof({ ...plan(), placeholders: [] }, p.dir, readLog(p.dir));
    expect(real.state).toBe("met");
    expect(real.lines[0]).toBe(
      "Deployed: production applied at 2026-11-29T03:00:00Z (operations/log.jsonl line 1).",
    );
    const noFly = storeProof(
      {
        ...plan(),
        placeholders: [],
        deliveries: plan().deliveries.filter((d) => d.target !== "fly"),
      },
      p.dir,
      readLog(p.dir),
    );
    expect(noFly.state).toBe("no-data");
    expect(noFly.lines).toContain(
      "Fly.io: no data: stack production configures no Fly.io target (pegasus-secrets:targets.fly); docs/platforms.md shows how to add one",
    );
  });

  it("Test and Proof: a rotation nothing applied is no version update and no rehearsal", async () => {
    await rotate("SIGNED_URL_KEY", "staging");
    expect(rehearsalProof(readLog(p.dir))).toMatchObject({
      state: "no-data",
      lines: [
        "Rotation of SIGNED_URL_KEY in staging at 2026-11-29T03:00:00Z by alice: keeper initial -> 2026-11-29.1 (operations/log.jsonl line 1).",
        "no data: no `applied` entry shows staging running it, so nothing confirms it was deployed; apply it (pulumi up --stack staging, then npx pegasus-secrets applied --stack staging)",
      ],
    });
    expect(versionProof(readLog(p.dir), "staging").lines[1]).toBe(
      "no data: no `applied` entry shows staging running keeper 2026-11-29.1, so no new version is known to exist yet; the push workflow records it after pulumi up (npx pegasus-secrets applied --stack staging)",
    );
  });

  it("Test and Proof: an unconfirmed verify counts for nothing", async () => {
    await rotate("SIGNED_URL_KEY", "staging");
    await applied(p, "staging");
    verified(p, "staging", { SIGNED_URL_KEY: "2026-11-29.1" }, true, false);
    const rehearsal = rehearsalProof(readLog(p.dir));
    expect(rehearsal.state).toBe("no-data");
    expect(rehearsal.lines[2]).toBe(
      "no data: no confirmed verify of staging follows it (an unconfirmed one does not count); run npx pegasus-secrets verify --stack staging",
    );
    expect(versionProof(readLog(p.dir), "staging").state).toBe("no-data");
  });

  it("Test and Proof: cite the latest confirmed verify, so a failure then a pass is met and a pass then a failure is not", async () => {
    await rotate("SIGNED_URL_KEY", "staging");
    await applied(p, "staging");
    advance(p, 5);
    verified(p, "staging", { SIGNED_URL_KEY: "2026-11-29.1" }, false);
    advance(p, 5);
    verified(p, "staging", { SIGNED_URL_KEY: "2026-11-29.1" });
    const met = rehearsalProof(readLog(p.dir));
    expect(met.state).toBe("met");
    expect(met.lines[2]).toBe(
      "Verify at 2026-11-29T03:10:00Z by alice (operations/log.jsonl line 4), on the confirmed deploy: passed.",
    );
    expect(versionProof(readLog(p.dir), "staging").state).toBe("met");
    advance(p, 5);
    verified(p, "staging", { SIGNED_URL_KEY: "2026-11-29.1" }, false);
    expect(rehearsalProof(readLog(p.dir)).state).toBe("failed");
    expect(versionProof(readLog(p.dir), "staging").state).toBe("failed");
  });

  it("Test: readiness alone is no rehearsal (the guide asks for health and the smoke flow)", async () => {
    await rotate("SIGNED_URL_KEY", "staging");
    await applied(p, "staging");
    verified(p, "staging", { SIGNED_URL_KEY: "2026-11-29.1" }, true, true, ["ready"]);
    const r = rehearsalProof(readLog(p.dir));
    expect(r.state).toBe("no-data");
    expect(r.lines).toContain("Smoke: no data: verify ran no smoke step (verify.smoke)");
  });
});

describe("the production plan the runbook relies on", () => {
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
    for (const d of ["render-worker", "fly-worker", "railway-worker"]) {
      expect(component(d).options.dependencies).toContain("api-readiness");
    }
    for (const d of ["render-api", "fly-api", "railway-api"]) {
      expect(component(d).options.dependencies).not.toContain("api-readiness");
    }
  });
});
