import { createHash } from "crypto";
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
import { LocalService, startLocalService, verifyConfig } from "../../runbook/server";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("the operations log is append-only", () => {
  let p: TempProject;
  let svc: LocalService;
  beforeAll(async () => {
    svc = await startLocalService();
  });
  afterAll(() => svc.stop());
  beforeEach(() => {
    p = tempProject();
    p.env.PEGASUS_SMOKE_TOKEN = svc.token;
    for (const stack of ["staging", "production"]) {
      setStackConfig(p, stack, "pegasus-secrets:verify", verifyConfig(svc));
    }
  });
  afterEach(() => p.cleanup());

  it("never changes a byte already written, whatever the commands do", async () => {
    const alice = ["--operator", "alice"];
    // A whole rotation of JWT_SECRET, an external rotation started, then break-glass: every step
    // must succeed and append, and none may touch what an earlier one wrote.
    const steps: (() => Promise<unknown>)[] = [
      () => ok(p, ["rotate", "JWT_SECRET", "--stack", "staging", ...alice]),
      () => applied(p, "staging"),
      () => ok(p, ["verify", "--stack", "staging", ...alice]),
      () => ok(p, ["rotate", "JWT_SECRET", "--stack", "production", ...alice]),
      () => applied(p, "production"),
      () => ok(p, ["verify", "--stack", "production", ...alice]),
      () => ok(p, ["finalize", "JWT_SECRET", "--stack", "staging", ...alice]),
      () => ok(p, ["finalize", "JWT_SECRET", "--stack", "production", ...alice]),
      () => ok(p, ["rotate", "OPENAI_API_KEY", "--stack", "staging", ...alice]),
      () => ok(p, ["break-glass", "REDIS_URL", "--operator", "bob", "--incident", "INC-1"]),
      () => ok(p, ["lift-freeze", "--operator", "bob"]),
    ];
    const seen: { bytes: number; hash: string }[] = [];
    for (const step of steps) {
      advance(p, 5);
      await step();
      const now = Buffer.from(p.read("operations/log.jsonl"));
      for (const earlier of seen) expect(sha(now.subarray(0, earlier.bytes))).toBe(earlier.hash);
      seen.push({ bytes: now.length, hash: sha(now) });
    }
    // Every step appended (the sizes only grow).
    expect(new Set(seen.map((s) => s.bytes)).size).toBe(steps.length);
  });

  it("refuses to read or extend a log whose earlier lines were edited", async () => {
    await cli(p, ["rotate", "JWT_SECRET", "--stack", "staging", "--operator", "alice"]);
    const text = p.read("operations/log.jsonl");
    p.write("operations/log.jsonl", `${text}{"edited": true}\n`);
    const r = await cli(p, ["rotate", "REDIS_URL", "--stack", "staging", "--operator", "alice"]);
    expect(r.code).toBe(1);
    expect(refusal(r)).toBe(
      "operations/log.jsonl line 2 is not an operations log entry. The log is append-only: restore the line from git (git diff -- operations/log.jsonl).",
    );
    p.write("operations/log.jsonl", text.trimEnd());
    const v = await cli(p, ["freeze", "--operator", "alice"]);
    expect(refusal(v)).toBe(
      "operations/log.jsonl does not end with a newline: its last line was edited by hand. Restore it from git (git diff -- operations/log.jsonl), then run the command again.",
    );
  });

  it("renders as a Markdown table, filtered by stack", async () => {
    await cli(p, [
      "rotate",
      "JWT_SECRET",
      "--stack",
      "staging",
      "--operator",
      "alice",
      "--reason",
      "a|b",
    ]);
    await cli(p, ["freeze", "--operator", "bob", "--incident", "INC-2"]);
    const all = (await cli(p, ["log"])).out.split("\n");
    expect(all.slice(0, 2)).toEqual([
      "| line | time (UTC) | operator | event |",
      "|---|---|---|---|",
    ]);
    expect(all[2]).toBe(
      "| 1 | 2026-11-29T03:00:00Z | alice | rotate JWT_SECRET in staging: initial -> 2026-11-29.1 (previous initial valid until finalize); services api; 3 platform target(s) — a\\|b |",
    );
    expect(all[3]).toBe("| 2 | 2026-11-29T03:00:00Z | bob | deploys frozen for INC-2 |");
    expect((await cli(p, ["log", "--stack", "production"])).out).toBe(
      "The operations log (operations/log.jsonl) has no entries for stack production yet: each runbook command (rotate, verify, finalize, ...) adds one.",
    );
  });
});
