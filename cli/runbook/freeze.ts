/**
 * `freeze`, `freeze-status` and `lift-freeze`: the deploy freeze of break-glass step 1 as commands;
 * the marker file itself is freezeMarker.ts.
 */
import { checkIncident, checkOperator, checkText, ops, OpsContext, utc } from "./context";
import { revokeIncidentGrants } from "./emergencyAccess";
import { describeFreeze, FREEZE_FILE, readFreeze, removeFreeze, writeFreeze } from "./freezeMarker";
import { appendLog, LOG_FILE } from "./log";

/** `freeze`: freezes deploys (break-glass does it for you); a freeze in force stays as it is. */
export async function freeze(
  ctx: OpsContext,
  opts: { operator: string; incident?: string; reason?: string },
): Promise<void> {
  const o = ops(ctx);
  const operator = checkOperator(opts.operator);
  const incident = opts.incident === undefined ? null : checkIncident(opts.incident);
  const reason = checkText("--reason", opts.reason);
  const ts = utc(o.now());
  const { freeze: inForce, created } = writeFreeze(o.projectDir, {
    since: ts,
    operator,
    incident,
    reason,
  });
  if (!created) {
    o.out(`Already frozen. ${describeFreeze(inForce)}`);
    return;
  }
  const logged = appendLog(o.projectDir, { action: "freeze", ts, operator, incident, reason });
  o.out(
    [
      `Deploys frozen: wrote ${FREEZE_FILE}, recorded in ${LOG_FILE} (line ${logged.line}).`,
      `Commit and push ${FREEZE_FILE} so CI sees it. Lift with: npx pegasus-secrets lift-freeze --operator ${operator}`,
    ].join("\n"),
  );
}

/** `freeze-status`: fails while deploys are frozen (CI runs it before `pulumi up`). */
export async function freezeStatus(
  ctx: OpsContext,
  opts: { incident?: string } = {},
): Promise<void> {
  const o = ops(ctx);
  const f = readFreeze(o.projectDir);
  if (opts.incident !== undefined) {
    // The break-glass workflow: it may apply only under the freeze of its own incident.
    const incident = checkIncident(opts.incident);
    if (f && f.incident === incident) {
      o.out(`${describeFreeze(f)} A break-glass deploy for ${incident} may run.`);
      return;
    }
    throw new Error(
      `${f ? describeFreeze(f) : "Deploys are not frozen."} A break-glass deploy for ${incident} needs the freeze of that incident: npx pegasus-secrets break-glass <VARIABLE> --operator <you> --incident ${incident}, committed and pushed.`,
    );
  }
  if (f) {
    throw new Error(
      `${describeFreeze(f)} Deploys wait until it is lifted: npx pegasus-secrets lift-freeze --operator <you>.`,
    );
  }
  o.out("Deploys are not frozen.");
}

/** `lift-freeze`: lifts the freeze and records who lifted it and why. */
export async function liftFreeze(
  ctx: OpsContext,
  opts: { operator: string; reason?: string },
): Promise<void> {
  const o = ops(ctx);
  const operator = checkOperator(opts.operator);
  const reason = checkText("--reason", opts.reason);
  const f = readFreeze(o.projectDir);
  if (!f)
    throw new Error(`Deploys are not frozen (${FREEZE_FILE} does not exist): nothing to lift.`);
  const logged = appendLog(o.projectDir, {
    action: "lift-freeze",
    ts: utc(o.now()),
    operator,
    incident: f.incident,
    frozenSince: f.since,
    reason,
  });
  removeFreeze(o.projectDir);
  // The incident is over: its emergency grants go too, in every stack.
  const revoked = f.incident ? revokeIncidentGrants(o, f.incident, operator, reason) : [];
  o.out(
    [
      `Freeze lifted (frozen since ${f.since}${f.incident ? `, incident ${f.incident}` : ""}); recorded in ${LOG_FILE} (line ${logged.line}).`,
      ...revoked.map((r) => `Emergency access removed: ${r}.`),
      `Commit the removal of ${FREEZE_FILE}${revoked.length ? ", the stack files" : ""} and ${LOG_FILE} together.`,
    ].join("\n"),
  );
}
