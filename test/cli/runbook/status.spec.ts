import { readLog } from "../../../cli/runbook/log";
import { loadModel } from "../../../cli/runbook/stackEdit";
import { overdueWarnings } from "../../../cli/runbook/status";
import { advance, cli, refusal, setStackConfig, TempProject, tempProject } from "./helpers";

describe("rotation-status", () => {
  let p: TempProject;
  beforeEach(() => {
    p = tempProject("2026-08-01T09:00:00Z");
  });
  afterEach(() => p.cleanup());

  it("lists every secret with its last rotation, age and whether it is past its period", async () => {
    await cli(p, ["rotate", "JWT_SECRET", "--stack", "staging", "--operator", "alice"]);
    setStackConfig(p, "staging", "pegasus-secrets:rotations", {
      JWT_SECRET: "2026-08-01.1",
      SIGNED_URL_KEY: "2026-10-10.1",
    });
    setStackConfig(p, "staging", "pegasus-secrets:previousKeepers", { JWT_SECRET: "initial" });
    p.clock.now = new Date("2026-11-29T09:00:00Z");
    const r = await cli(p, ["rotation-status", "--stack", "staging"]);
    expect(r.code).toBe(0);
    const rows = Object.fromEntries(
      r.out
        .split("\n")
        .slice(2)
        .map((l) => [l.trim().split(/\s+/)[0], l.trim()]),
    );
    expect(rows.JWT_SECRET).toMatch(
      /^JWT_SECRET +2026-08-01\.1 \(previous initial open\) +2026-08-01T09:00:00Z +120d +90d +OVERDUE by 30d$/,
    );
    expect(rows.SIGNED_URL_KEY).toMatch(
      /^SIGNED_URL_KEY +2026-10-10\.1 +2026-10-10T00:00:00Z \(from keeper\) +50d +90d +ok$/,
    );
    expect(rows.REDIS_URL).toMatch(/^REDIS_URL +initial +not recorded +\? +90d +unknown$/);
    expect(rows.AWS_SECRET_ACCESS_KEY).toMatch(
      /^AWS_SECRET_ACCESS_KEY \(\+AWS_ACCESS_KEY_ID\) +initial/,
    );
    expect(rows.AWS_ACCESS_KEY_ID).toBeUndefined();

    const json = JSON.parse(
      (await cli(p, ["rotation-status", "--stack", "staging", "--json"])).out,
    );
    expect(json.secrets.find((s: { variable: string }) => s.variable === "JWT_SECRET")).toEqual({
      variable: "JWT_SECRET",
      keeper: "2026-08-01.1",
      previousKeeper: "initial",
      followers: [],
      lastRotation: "2026-08-01T09:00:00Z",
      evidence: "log",
      ageDays: 120,
      periodDays: 90,
      status: "overdue",
    });
  });

  it("--fail-on-overdue exits non-zero for CI, naming what is overdue and what has no record", async () => {
    setStackConfig(p, "staging", "pegasus-secrets:rotations", {
      OPENAI_API_KEY: "2026-01-02.1",
      DATABASE_URL: "2026-07-31.1",
      REDIS_URL: "2026-07-31.1",
      JWT_SECRET: "2026-07-31.1",
      SIGNED_URL_KEY: "2026-07-31.1",
      WEBHOOK_SHARED_SECRET: "2026-07-31.1",
    });
    const r = await cli(p, ["rotation-status", "--stack", "staging", "--fail-on-overdue"]);
    expect(r.code).toBe(1);
    expect(refusal(r)).toBe(
      "staging has secrets past their rotation period: OPENAI_API_KEY; no recorded rotation: AWS_SECRET_ACCESS_KEY. Rotate each through the runbook (npx pegasus-secrets rotate <VARIABLE> --stack staging --operator <you>, then production; docs/runbook.md).",
    );
    setStackConfig(p, "staging", "pegasus-secrets:rotations", {
      OPENAI_API_KEY: "2026-07-31.1",
      DATABASE_URL: "2026-07-31.1",
      REDIS_URL: "2026-07-31.1",
      JWT_SECRET: "2026-07-31.1",
      SIGNED_URL_KEY: "2026-07-31.1",
      WEBHOOK_SHARED_SECRET: "2026-07-31.1",
      AWS_SECRET_ACCESS_KEY: "2026-07-31.1",
    });
    expect(
      (await cli(p, ["rotation-status", "--stack", "staging", "--fail-on-overdue"])).code,
    ).toBe(0);
  });

  it("gives the plan its warnings about overdue production secrets, and none for staging", async () => {
    await cli(p, [
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
    expect(warnings[0]).toBe(
      "AWS_SECRET_ACCESS_KEY in production was last rotated 91 days ago (2026-08-01T09:00:00Z), past its 90-day limit: npx pegasus-secrets rotate AWS_SECRET_ACCESS_KEY --stack staging --operator <you>, then production.",
    );
    expect(warnings[1]).toBe(
      "6 production secret(s) have no recorded rotation (OPENAI_API_KEY, DATABASE_URL, REDIS_URL, JWT_SECRET, SIGNED_URL_KEY, WEBHOOK_SHARED_SECRET): their age is unknown until each is rotated through the runbook (operations/log.jsonl).",
    );
    expect(overdueWarnings(p.dir, loadModel(p.dir, "staging"), p.clock.now)).toEqual([]);
    expect(readLog(p.dir)).toHaveLength(1);
  });
});
