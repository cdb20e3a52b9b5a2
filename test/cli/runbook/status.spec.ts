import { readLog } from "../../../cli/runbook/log";
import { loadModel } from "../../../cli/runbook/stackEdit";
import { overdueWarnings } from "../../../cli/runbook/status";
import {
  advance,
  applied,
  cli,
  ok,
  refusal,
  setStackConfig,
  TempProject,
  tempProject,
} from "./helpers";

/** The table's rows by variable (the first word of each row). */
const rowsOf = (out: string): Record<string, string> =>
  Object.fromEntries(
    out
      .split("\n")
      .slice(2)
      .filter((l) => l.startsWith("  "))
      .map((l) => [l.trim().split(/\s+/)[0], l.trim()]),
  );

describe("rotation-status", () => {
  let p: TempProject;
  beforeEach(() => {
    p = tempProject("2026-08-01T09:00:00Z");
  });
  afterEach(() => p.cleanup());

  it("on a fresh stack: nothing dates any value, nothing is overdue, and --fail-on-overdue passes", async () => {
    const r = await ok(p, ["rotation-status", "--stack", "staging", "--fail-on-overdue"]);
    const rows = rowsOf(r.out);
    expect(rows.REDIS_URL).toMatch(/^REDIS_URL +initial +no record +- +90d +unrecorded +-$/);
    expect(r.out).toContain(
      "7 secret(s) with no record: nothing in the operations log dates their value yet. The first `applied` entry of staging (CI records one after each pulumi up) starts their clock.",
    );
    const json = JSON.parse((await ok(p, ["rotation-status", "--stack", "staging", "--json"])).out);
    expect(json).toMatchObject({ version: 1, stack: "staging", overdue: [], dueSoon: [] });
    expect(json.unrecorded).toHaveLength(7);
  });

  it("dates a value by its rotation, its first deploy, or its keeper, and shows the state machine", async () => {
    await ok(p, ["rotate", "JWT_SECRET", "--stack", "staging", "--operator", "alice"]);
    advance(p, 10);
    await applied(p, "staging");
    setStackConfig(p, "staging", "pegasus-secrets:rotations", {
      JWT_SECRET: "2026-08-01.1",
      SIGNED_URL_KEY: "2026-10-10.1",
    });
    p.clock.now = new Date("2026-11-29T09:00:00Z");
    const r = await ok(p, ["rotation-status", "--stack", "staging"]);
    const rows = rowsOf(r.out);
    expect(rows.JWT_SECRET).toMatch(
      /^JWT_SECRET +2026-08-01\.1 \(previous initial live\) +2026-08-01T09:00:00Z +120d +90d +OVERDUE by 30d +applied$/,
    );
    expect(rows.SIGNED_URL_KEY).toMatch(
      /^SIGNED_URL_KEY +2026-10-10\.1 +2026-10-10T00:00:00Z \(from keeper\) +50d +90d +ok +-$/,
    );
    expect(rows.REDIS_URL).toMatch(
      /^REDIS_URL +initial +2026-08-01T09:10:00Z \(first deploy\) +119d +90d +OVERDUE by 29d +-$/,
    );
    expect(rows.AWS_SECRET_ACCESS_KEY).toMatch(
      /^AWS_SECRET_ACCESS_KEY \(\+AWS_ACCESS_KEY_ID\) +initial/,
    );
    expect(rows.AWS_ACCESS_KEY_ID).toBeUndefined();

    const json = JSON.parse((await ok(p, ["rotation-status", "--stack", "staging", "--json"])).out);
    expect(json.secrets.find((s: { variable: string }) => s.variable === "JWT_SECRET")).toEqual({
      variable: "JWT_SECRET",
      keeper: "2026-08-01.1",
      previousKeeper: "initial",
      followers: [],
      state: "applied",
      phase: "rotating: new and previous live",
      lastRotation: "2026-08-01T09:00:00Z",
      evidence: "log",
      ageDays: 120,
      periodDays: 90,
      dueInDays: -30,
      status: "overdue",
    });
  });

  it("--fail-on-overdue exits non-zero for CI, naming only what is past its period", async () => {
    setStackConfig(p, "staging", "pegasus-secrets:rotations", {
      OPENAI_API_KEY: "2026-01-02.1",
      DATABASE_URL: "2026-07-31.1",
    });
    const r = await cli(p, ["rotation-status", "--stack", "staging", "--fail-on-overdue"]);
    expect(r.code).toBe(1);
    expect(refusal(r)).toBe(
      "staging has secrets past their rotation period: OPENAI_API_KEY (121 days over). Rotate each through the runbook: npx pegasus-secrets rotate <VARIABLE> --stack staging --operator <you>, then production (docs/runbook.md).",
    );
    const json = JSON.parse((await ok(p, ["rotation-status", "--stack", "staging", "--json"])).out);
    expect(json.overdue).toEqual(["OPENAI_API_KEY"]);
    expect(json.dueSoon).toEqual([]);
    p.clock.now = new Date("2026-10-20T09:00:00Z");
    setStackConfig(p, "staging", "pegasus-secrets:rotations", { DATABASE_URL: "2026-07-31.1" });
    const soon = JSON.parse((await ok(p, ["rotation-status", "--stack", "staging", "--json"])).out);
    expect([soon.overdue, soon.dueSoon]).toEqual([[], ["DATABASE_URL"]]);
  });

  it("gives the plan warnings about overdue production secrets only", async () => {
    await ok(p, [
      "rotate",
      "AWS_SECRET_ACCESS_KEY",
      "--stack",
      "production",
      "--operator",
      "alice",
      "--break-glass",
      "--incident",
      "INC-1",
    ]);
    advance(p, 91 * 24 * 60);
    const warnings = overdueWarnings(p.dir, loadModel(p.dir, "production"), p.clock.now);
    expect(warnings).toEqual([
      "AWS_SECRET_ACCESS_KEY in production was last rotated 91 days ago (2026-08-01T09:00:00Z), past its 90-day limit: npx pegasus-secrets rotate AWS_SECRET_ACCESS_KEY --stack staging --operator <you>, then production.",
    ]);
    expect(overdueWarnings(p.dir, loadModel(p.dir, "staging"), p.clock.now)).toEqual([]);
    expect(readLog(p.dir)).toHaveLength(1);
  });
});
