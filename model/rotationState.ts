/**
 * A rotation as a state machine (the guide's rotation runbook): rotated in staging -> applied ->
 * verified -> rotated in production -> production applied -> production verified -> finalized.
 * Pure: it reads the operations log's entries (only the fields below) and says where each
 * variable's rotation stands, what the next command is, and why a step would be out of order.
 * Every runbook command asks it before it changes anything, and `plan` shows its phase.
 */

/** A keeper bump recorded by `rotate` (or break-glass, which rotates every stack at once). */
export interface RotateEvent {
  action: "rotate";
  ts: string;
  stack: string;
  variable: string;
  newKeeper: string;
  breakGlass: boolean;
}

/** What a stack runs after a successful `pulumi up`, read from its outputs. */
export interface AppliedEvent {
  action: "applied";
  ts: string;
  stack: string;
  keepers: Record<string, string>;
  previousKeepers: Record<string, string>;
}

/** One `verify`: `confirmed` only when the stack was known to run the keepers it checked. */
export interface VerifyEvent {
  action: "verify";
  ts: string;
  stack: string;
  ok: boolean;
  confirmed: boolean;
  keepers: Record<string, string>;
}

/** The end of a rotation in one stack: its previous value revoked. */
export interface FinalizeEvent {
  action: "finalize";
  ts: string;
  stack: string;
  variable: string;
}

/** The entries the state machine reads; any other entry of the log is ignored. */
export type RunbookEvent = RotateEvent | AppliedEvent | VerifyEvent | FinalizeEvent;

/** The states, in order. */
export const ROTATION_STATES = [
  "stable",
  "rotated",
  "applied",
  "verified",
  "production-rotated",
  "production-applied",
  "production-verified",
  "finalized",
] as const;
export type RotationStateName = (typeof ROTATION_STATES)[number];

/** Where one variable's rotation stands, with the log positions that prove it. */
export interface RotationProgress {
  variable: string;
  state: RotationStateName;
  /** The staging keeper of the open rotation (or the last one), when there is one. */
  stagingKeeper?: string;
  productionKeeper?: string;
  /** Index (in the events given) of each step reached: the evidence behind the state. */
  steps: Partial<Record<Exclude<RotationStateName, "stable">, number>>;
  /** True when the latest verify of the stack the rotation waits on failed after it was applied. */
  lastVerifyFailed: boolean;
}

const isRotate = (e: { action: string }, stack: string, variable: string): e is RotateEvent =>
  e.action === "rotate" &&
  (e as RotateEvent).stack === stack &&
  (e as RotateEvent).variable === variable;

/** The first event at or after `from` that matches, as an index, or -1. */
function firstFrom<T extends { action: string }>(
  events: readonly { action: string }[],
  from: number,
  pred: (e: { action: string }) => e is T,
): number {
  for (let i = Math.max(0, from); i < events.length; i++) if (pred(events[i])) return i;
  return -1;
}

function lastBefore<T extends { action: string }>(
  events: readonly { action: string }[],
  before: number,
  pred: (e: { action: string }) => e is T,
): number {
  for (let i = Math.min(before, events.length) - 1; i >= 0; i--) if (pred(events[i])) return i;
  return -1;
}

/**
 * One stack's part of a rotation, from its rotate entry at `start`: applied (an `applied` entry
 * whose keepers show the new keeper), then verified (the latest confirmed verify after it passed).
 */
function stackPart(
  events: readonly { action: string }[],
  stack: string,
  variable: string,
  start: number,
  keeper: string,
): { applied: number; verified: number; lastVerifyFailed: boolean } {
  const applied = firstFrom(
    events,
    start + 1,
    (e): e is AppliedEvent =>
      e.action === "applied" &&
      (e as AppliedEvent).stack === stack &&
      (e as AppliedEvent).keepers[variable] === keeper,
  );
  if (applied < 0) return { applied, verified: -1, lastVerifyFailed: false };
  let verified = -1;
  let lastVerifyFailed = false;
  for (let i = applied + 1; i < events.length; i++) {
    const e = events[i] as VerifyEvent;
    if (e.action !== "verify" || e.stack !== stack || !e.confirmed) continue;
    if (e.keepers[variable] !== keeper) continue;
    if (e.ok) {
      verified = verified < 0 ? i : verified;
      lastVerifyFailed = false;
    } else {
      // A failure after a pass takes the pass back: what counts is the latest confirmed verify.
      verified = -1;
      lastVerifyFailed = true;
    }
  }
  return { applied, verified, lastVerifyFailed };
}

/**
 * Where `variable`'s rotation stands, from the log's events in order. The open rotation is the
 * latest staging rotation (a break-glass rotation of both stacks at once has no staged order and
 * no previous value: it counts as finalized once both stacks verified).
 */
export function rotationProgress(
  events: readonly { action: string }[],
  variable: string,
): RotationProgress {
  const progress: RotationProgress = {
    variable,
    state: "stable",
    steps: {},
    lastVerifyFailed: false,
  };
  const s = lastBefore(events, events.length, (e): e is RotateEvent =>
    isRotate(e, "staging", variable),
  );
  if (s < 0) return progress;
  const sr = events[s] as RotateEvent;
  progress.stagingKeeper = sr.newKeeper;
  progress.state = "rotated";
  progress.steps.rotated = s;
  const staging = stackPart(events, "staging", variable, s, sr.newKeeper);
  progress.lastVerifyFailed = staging.lastVerifyFailed;
  if (staging.applied < 0) return progress;
  progress.state = "applied";
  progress.steps.applied = staging.applied;
  if (staging.verified < 0) return progress;
  progress.state = "verified";
  progress.steps.verified = staging.verified;
  // Production's rotation of this cycle: the first one after staging's; for break-glass, the one
  // the same command wrote just before staging's (it rotates production first).
  const pi = sr.breakGlass
    ? lastBefore(
        events,
        s,
        (e): e is RotateEvent =>
          isRotate(e, "production", variable) && (e as RotateEvent).breakGlass,
      )
    : firstFrom(events, s + 1, (e): e is RotateEvent => isRotate(e, "production", variable));
  if (pi < 0) return progress;
  const pr = events[pi] as RotateEvent;
  progress.productionKeeper = pr.newKeeper;
  progress.state = "production-rotated";
  progress.steps["production-rotated"] = pi;
  const production = stackPart(events, "production", variable, pi, pr.newKeeper);
  progress.lastVerifyFailed = production.lastVerifyFailed;
  if (production.applied < 0) return progress;
  progress.state = "production-applied";
  progress.steps["production-applied"] = production.applied;
  if (production.verified < 0) return progress;
  progress.state = "production-verified";
  progress.steps["production-verified"] = production.verified;
  const f = firstFrom(
    events,
    production.verified + 1,
    (e): e is FinalizeEvent =>
      e.action === "finalize" &&
      (e as FinalizeEvent).stack === "production" &&
      (e as FinalizeEvent).variable === variable,
  );
  if (f >= 0 || pr.breakGlass) {
    progress.state = "finalized";
    progress.steps.finalized = f >= 0 ? f : production.verified;
  }
  return progress;
}

/** True when the rotation has reached `state` (or gone past it). */
export const reached = (p: RotationProgress, state: RotationStateName): boolean =>
  ROTATION_STATES.indexOf(p.state) >= ROTATION_STATES.indexOf(state);

/** What a stack's secret looks like to `plan`: whether a previous value is live, and can go. */
export type RotationPhase = "stable" | "rotating: new and previous live" | "ready to finalize";

/** The phase of one secret in one stack: its previous keeper (if any) and the rotation's state. */
export function rotationPhase(
  previousKeeper: string | undefined,
  p: RotationProgress,
): RotationPhase {
  if (previousKeeper === undefined) return "stable";
  return reached(p, "production-verified")
    ? "ready to finalize"
    : "rotating: new and previous live";
}

/** A state in words, for messages: what has happened, never what should. */
export function describeProgress(p: RotationProgress): string {
  const s = `keeper ${p.stagingKeeper}`;
  const pk = `keeper ${p.productionKeeper}`;
  const failed = p.lastVerifyFailed ? ", and its latest verify failed" : "";
  switch (p.state) {
    case "stable":
      return `staging has no recorded rotation of ${p.variable}`;
    case "rotated":
      return `staging rotated ${p.variable} (${s}) but no \`applied\` entry shows staging running it`;
    case "applied":
      return `staging runs ${p.variable} ${s} but no confirmed verify of staging has passed since${failed}`;
    case "verified":
      return `staging verified ${p.variable} ${s}; production has not rotated it yet`;
    case "production-rotated":
      return `production rotated ${p.variable} (${pk}) but no \`applied\` entry shows production running it`;
    case "production-applied":
      return `production runs ${p.variable} ${pk} but no confirmed verify of production has passed since${failed}`;
    case "production-verified":
      return `production verified ${p.variable} ${pk}; the previous values are still live`;
    case "finalized":
      return `the rotation of ${p.variable} (${pk}) is finalized`;
  }
}

/** The exact command that moves the rotation on from where it stands. */
export function nextCommand(p: RotationProgress, operator: string): string {
  const v = p.variable;
  const cli = "npx pegasus-secrets";
  switch (p.state) {
    case "stable":
    case "finalized":
      return `${cli} rotate ${v} --stack staging --operator ${operator}`;
    case "rotated":
      return `pulumi up --stack staging, then ${cli} applied --stack staging --operator ${operator} (CI does both when the change reaches main)`;
    case "applied":
      return `${cli} verify --stack staging --operator ${operator}`;
    case "verified":
      return `${cli} rotate ${v} --stack production --operator ${operator}`;
    case "production-rotated":
      return "push the change to main: CI applies production behind its approval and records it (`applied`)";
    case "production-applied":
      return `${cli} verify --stack production --operator ${operator}`;
    case "production-verified":
      return `${cli} finalize ${v} --stack staging --operator ${operator}, and the same for --stack production`;
  }
}

/** Why rotating `variable` in production now would be out of order, or undefined when it is not. */
export function productionRotationRefusal(
  p: RotationProgress,
  operator: string,
): string | undefined {
  if (p.state === "verified") return undefined;
  if (reached(p, "production-rotated") && p.state !== "finalized") {
    return `Refusing to rotate ${p.variable} in production: ${describeProgress(p)}; one rotation at a time. Next: ${nextCommand(p, operator)}.`;
  }
  if (reached(p, "verified") && p.state !== "finalized") return undefined;
  return `Refusing to rotate ${p.variable} in production before staging verified it: ${describeProgress(p)}. Next: ${nextCommand(p, operator)}.`;
}

/** Why finalizing `variable` in `stack` now would be out of order, or undefined when it is not. */
export function finalizeRefusal(
  p: RotationProgress,
  stack: string,
  operator: string,
): string | undefined {
  if (p.state === "production-verified" || p.state === "finalized") return undefined;
  const why =
    p.lastVerifyFailed && (p.state === "applied" || p.state === "production-applied")
      ? `the latest verify of ${p.state === "applied" ? "staging" : "production"} after the rotation failed, so services may still depend on the previous value`
      : `production has not verified the rotation yet (${describeProgress(p)})`;
  return `Refusing to finalize ${p.variable} in ${stack}: ${why}. The previous value is revoked only after the rollout is verified. Next: ${nextCommand(p, operator)}.`;
}
