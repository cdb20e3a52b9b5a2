// The rotation state machine over log events, and the exact refusals of out-of-order steps.
import {
  finalizeRefusal,
  productionRotationRefusal,
  RotationStateName,
  rotationPhase,
  rotationProgress,
  RunbookEvent,
} from "../../model";

const V = "DATABASE_URL";
let t = 0;
const ts = () => new Date(Date.UTC(2026, 10, 30, 8, t++)).toISOString();
const rotate = (stack: string, newKeeper: string, breakGlass = false): RunbookEvent => ({
  action: "rotate",
  ts: ts(),
  stack,
  variable: V,
  newKeeper,
  breakGlass,
});
const applied = (stack: string, keeper: string, previous?: string): RunbookEvent => ({
  action: "applied",
  ts: ts(),
  stack,
  keepers: { [V]: keeper, JWT_SECRET: "initial" },
  previousKeepers: previous ? { [V]: previous } : {},
});
const verify = (stack: string, keeper: string, ok = true, confirmed = true): RunbookEvent => ({
  action: "verify",
  ts: ts(),
  stack,
  ok,
  confirmed,
  keepers: { [V]: keeper },
});
const finalize = (stack: string): RunbookEvent => ({
  action: "finalize",
  ts: ts(),
  stack,
  variable: V,
});

/** The whole runbook, in order, with the state after each step. */
const WALK: [RunbookEvent, RotationStateName][] = [
  [rotate("staging", "k1"), "rotated"],
  [applied("staging", "k1", "initial"), "applied"],
  [verify("staging", "k1"), "verified"],
  [rotate("production", "k1"), "production-rotated"],
  [applied("production", "k1", "initial"), "production-applied"],
  [verify("production", "k1"), "production-verified"],
  [finalize("staging"), "production-verified"],
  [finalize("production"), "finalized"],
];

describe("rotationProgress", () => {
  it("is stable with no rotation recorded", () => {
    expect(rotationProgress([], V).state).toBe("stable");
  });

  it("walks the guide's runbook one state at a time", () => {
    const events: RunbookEvent[] = [];
    for (const [e, state] of WALK) {
      events.push(e);
      expect([e.action, rotationProgress(events, V).state]).toEqual([e.action, state]);
    }
    const done = rotationProgress(events, V);
    expect(Object.keys(done.steps)).toEqual([
      "rotated",
      "applied",
      "verified",
      "production-rotated",
      "production-applied",
      "production-verified",
      "finalized",
    ]);
  });

  it("does not count an applied entry that shows another keeper, or a verify before it", () => {
    const events = [
      rotate("staging", "k1"),
      verify("staging", "k1"),
      applied("staging", "initial"),
    ];
    expect(rotationProgress(events, V).state).toBe("rotated");
  });

  it("does not count an unconfirmed verify, and a later failure takes a pass back", () => {
    const base = [rotate("staging", "k1"), applied("staging", "k1", "initial")];
    expect(rotationProgress([...base, verify("staging", "k1", true, false)], V).state).toBe(
      "applied",
    );
    const failedAfterPass = [...base, verify("staging", "k1"), verify("staging", "k1", false)];
    const p = rotationProgress(failedAfterPass, V);
    expect([p.state, p.lastVerifyFailed]).toEqual(["applied", true]);
    expect(rotationProgress([...failedAfterPass, verify("staging", "k1")], V).state).toBe(
      "verified",
    );
  });

  it("starts a new cycle with the next staging rotation", () => {
    const events = [...WALK.map(([e]) => e), rotate("staging", "k2")];
    const p = rotationProgress(events, V);
    expect([p.state, p.stagingKeeper, p.productionKeeper]).toEqual(["rotated", "k2", undefined]);
  });

  it("takes a break-glass rotation of both stacks as one cycle with nothing to finalize", () => {
    const events = [
      rotate("production", "bg1", true),
      rotate("staging", "bg1", true),
      applied("staging", "bg1"),
      verify("staging", "bg1"),
      applied("production", "bg1"),
      verify("production", "bg1"),
    ];
    expect(rotationProgress(events, V).state).toBe("finalized");
  });
});

describe("the phase plan shows", () => {
  it.each([
    [undefined, 5, "stable"],
    ["initial", 1, "rotating: new and previous live"],
    ["initial", 5, "rotating: new and previous live"],
    ["initial", 6, "ready to finalize"],
  ] as const)("previous keeper %s after %i steps: %s", (previous, steps, phase) => {
    const p = rotationProgress(
      WALK.slice(0, steps).map(([e]) => e),
      V,
    );
    expect(rotationPhase(previous, p)).toBe(phase);
  });
});

describe("out-of-order steps are refused with the exact next command", () => {
  const at = (steps: number, ...extra: RunbookEvent[]) =>
    rotationProgress([...WALK.slice(0, steps).map(([e]) => e), ...extra], V);

  it("refuses production before staging verified", () => {
    expect(productionRotationRefusal(at(2), "alice")).toBe(
      "Refusing to rotate DATABASE_URL in production before staging verified it: staging runs DATABASE_URL keeper k1 but no confirmed verify of staging has passed since. Next: npx pegasus-secrets verify --stack staging --operator alice.",
    );
    expect(productionRotationRefusal(at(0), "alice")).toBe(
      "Refusing to rotate DATABASE_URL in production before staging verified it: staging has no recorded rotation of DATABASE_URL. Next: npx pegasus-secrets rotate DATABASE_URL --stack staging --operator alice.",
    );
    expect(productionRotationRefusal(at(3), "alice")).toBeUndefined();
  });

  it("refuses finalize before production verified", () => {
    expect(finalizeRefusal(at(4), "production", "alice")).toBe(
      "Refusing to finalize DATABASE_URL in production: production has not verified the rotation yet (production rotated DATABASE_URL (keeper k1) but no `applied` entry shows production running it). The previous value is revoked only after the rollout is verified. Next: push the change to main: CI applies production behind its approval and records it (`applied`).",
    );
    expect(finalizeRefusal(at(3), "staging", "alice")).toMatch(
      /^Refusing to finalize DATABASE_URL in staging: production has not verified the rotation yet \(staging verified DATABASE_URL keeper k1; production has not rotated it yet\)\./,
    );
    expect(finalizeRefusal(at(6), "staging", "alice")).toBeUndefined();
  });

  it("refuses finalize after a failed verify", () => {
    expect(finalizeRefusal(at(6, verify("production", "k1", false)), "production", "bob")).toBe(
      "Refusing to finalize DATABASE_URL in production: the latest verify of production after the rotation failed, so services may still depend on the previous value. The previous value is revoked only after the rollout is verified. Next: npx pegasus-secrets verify --stack production --operator bob.",
    );
  });
});
