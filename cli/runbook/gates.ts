/**
 * The runbook's order, as refusals: nothing while deploys are frozen (but break-glass), and every
 * step of a rotation in the order of the state machine (`model/rotationState.ts`), read from the
 * operations log.
 */
import { rotationProgress, RotationProgress } from "../../model";
import { describeFreeze, readFreeze } from "./freezeMarker";
import { Logged } from "./log";

/** Refuses while deploys are frozen, unless this is break-glass. */
export function refuseIfFrozen(
  projectDir: string,
  what: string,
  operator: string,
  hint: string,
): void {
  const f = readFreeze(projectDir);
  if (!f) return;
  throw new Error(
    `${describeFreeze(f)} ${what} waits until the freeze is lifted (npx pegasus-secrets lift-freeze --operator ${operator})${hint}`,
  );
}

/** Where `variable`'s rotation stands, from the log. */
export const progressOf = (log: Logged[], variable: string): RotationProgress =>
  rotationProgress(
    log.map((l) => l.entry),
    variable,
  );
