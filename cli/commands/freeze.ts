import { Command } from "commander";
import { CliContext } from "../shared/context";
import { checkIncident, checkOperator, checkText, ops, utc } from "../ops/context";
import { describeFreeze, FREEZE_FILE, readFreeze, removeFreeze, writeFreeze } from "../ops/freeze";
import { appendLog, LOG_FILE } from "../ops/log";

/**
 * `freeze`, `freeze-status`, `lift-freeze`: the deploy freeze of break-glass step 1, as a committed
 * marker. CI runs `freeze-status` before `pulumi up`; `rotate` and `finalize` refuse while it exists.
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("freeze")
    .description(
      "Freeze deploys: CI and rotate refuse until lift-freeze (break-glass does this for you).",
    )
    .requiredOption("--operator <who>", "who freezes (recorded in the operations log)")
    .option("--incident <id>", "incident ID")
    .option("--reason <text>", "why")
    .action(async (opts: { operator: string; incident?: string; reason?: string }) => {
      const o = ops(ctx);
      const operator = checkOperator(opts.operator);
      const incident = opts.incident === undefined ? null : checkIncident(opts.incident);
      const reason = checkText("--reason", opts.reason);
      const ts = utc(o.now());
      const { freeze, created } = writeFreeze(o.projectDir, {
        since: ts,
        operator,
        incident,
        reason,
      });
      if (!created) {
        o.out(`Already frozen. ${describeFreeze(freeze)}`);
        return;
      }
      const logged = appendLog(o.projectDir, { action: "freeze", ts, operator, incident, reason });
      o.out(
        [
          `Deploys frozen: wrote ${FREEZE_FILE}, recorded in ${LOG_FILE} (line ${logged.line}).`,
          `Commit and push ${FREEZE_FILE} so CI sees it. Lift with: npx pegasus-secrets lift-freeze --operator ${operator}`,
        ].join("\n"),
      );
    });

  program
    .command("freeze-status")
    .description("Exit non-zero while deploys are frozen (CI runs this before pulumi up).")
    .action(async () => {
      const o = ops(ctx);
      const f = readFreeze(o.projectDir);
      if (f) {
        throw new Error(
          `${describeFreeze(f)} Deploys wait until it is lifted: npx pegasus-secrets lift-freeze --operator <you>.`,
        );
      }
      o.out("Deploys are not frozen.");
    });

  program
    .command("lift-freeze")
    .description("Lift the deploy freeze and record who lifted it.")
    .requiredOption("--operator <who>", "who lifts it (recorded in the operations log)")
    .option("--reason <text>", "why it is safe now")
    .action(async (opts: { operator: string; reason?: string }) => {
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
      o.out(
        `Freeze lifted (frozen since ${f.since}${f.incident ? `, incident ${f.incident}` : ""}); recorded in ${LOG_FILE} (line ${logged.line}). Commit the removal of ${FREEZE_FILE} and ${LOG_FILE} together.`,
      );
    });
}
