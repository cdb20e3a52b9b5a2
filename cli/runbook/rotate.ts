import { checkIncident, checkOperator, checkText, ops, OpsContext } from "./context";
import { impactLines, resolveSecret } from "./impact";
import { appendLog, LOG_FILE, readLog } from "./log";
import { productionRotationRefusal } from "../../model";
import { progressOf, refuseIfFrozen } from "./gates";
import { commit, nextSteps, planRotation, recordFiles } from "./rotation";
import { StackFile } from "./stackEdit";

/** The options of `rotate`. */
export interface RotateOptions {
  /** A stack of the project (the CLI's stack option has checked it). */
  stack: string;
  operator: string;
  reason?: string;
  breakGlass?: boolean;
  incident?: string;
}

/**
 * `rotate <VARIABLE>`: the guide's rotation runbook, one step. Bumps the variable's keeper in the
 * stack file (comments and formatting kept), records who, when, what and what it touches in the
 * operations log, and prints the next commands in order. Production waits for a verified staging.
 * An external secret takes two runs: the first prints how to set the new value, the second records it.
 */
export async function rotate(
  ctx: OpsContext,
  variable: string,
  opts: RotateOptions,
): Promise<void> {
  const o = ops(ctx);
  const stack = opts.stack;
  const operator = checkOperator(opts.operator);
  const reason = checkText("--reason", opts.reason);
  const breakGlass = opts.breakGlass === true;
  if (breakGlass && !opts.incident) {
    throw new Error(
      "--break-glass needs --incident <id>: a break-glass rotation is recorded against an incident.",
    );
  }
  if (!breakGlass && opts.incident) {
    throw new Error("--incident goes with --break-glass; leave it out of a scheduled rotation.");
  }
  const incident = breakGlass ? checkIncident(opts.incident) : null;
  if (!breakGlass) {
    refuseIfFrozen(
      o.projectDir,
      "Rotation",
      operator,
      `; a rotation for the incident goes through break-glass: npx pegasus-secrets break-glass ${variable} --operator ${operator} --incident <id>.`,
    );
  }
  const log = readLog(o.projectDir);
  const file = StackFile.load(o.projectDir, stack);
  const now = o.now();
  const req = { stack, variable, operator, reason, breakGlass, incident };
  if (stack === "production" && !breakGlass) {
    // The variable first, so a typo is not answered with "rotate staging first".
    resolveSecret(variable, stack, operator);
    const refusal = productionRotationRefusal(progressOf(log, variable), operator);
    if (refusal) throw new Error(refusal);
  }
  const planned = planRotation(o.projectDir, log, file, req, now);

  if (planned.kind === "started") {
    const logged = appendLog(o.projectDir, planned.entry);
    o.out(
      [
        `${variable} is an external secret (${planned.catalog.description.replace(/\.$/, "")}): its issuer creates the value, so this tool cannot generate it.`,
        `Note from the catalog: ${planned.catalog.notes}.`,
        "",
        `1. Create the replacement value${planned.commands.length > 1 ? "s (one per consumer, separate staging and production keys)" : ""} in the provider's console.`,
        `2. Store ${planned.commands.length > 1 ? "each one" : "it"}, encrypted, in the ${stack} stack (paste the value at the prompt):`,
        ...planned.commands.map((c) => `     ${c}`),
        "3. Record the rotation (this bumps the keeper and prints the rest of the runbook):",
        `     npx pegasus-secrets rotate ${variable} --stack ${stack} --operator ${operator}`,
        "",
        `Rotation started: recorded in ${LOG_FILE} (line ${logged.line}). The old value stays in service until step 3 and pulumi up.`,
      ].join("\n"),
    );
    return;
  }

  const [logged] = commit(o.projectDir, [file], [planned.entry]);
  const e = planned.entry;
  const lines = [
    `Rotated ${variable} in ${stack}${breakGlass ? ` (BREAK-GLASS, incident ${incident})` : ""}: keeper ${e.oldKeeper} -> ${e.newKeeper}.`,
  ];
  if (e.previousKeeper) {
    const how = planned.catalog.overlap
      ? `delivered as ${variable}_PREVIOUS beside the new one`
      : e.activeUser
        ? `the other database user keeps its password; ${variable} now names user ${e.activeUser}`
        : "its Secret Manager version (and, for an HMAC key, the key itself) stays active";
    lines.push(
      `The previous value (keeper ${e.previousKeeper}) stays valid until finalize, after production is verified: ${how}.`,
    );
  } else if (breakGlass) {
    lines.push(
      `No previous value: after a leak the old value stops working at the next pulumi up${e.revokedKeeper ? ` (the open rotation of keeper ${e.revokedKeeper} is closed too)` : ""}.`,
    );
  }
  if (e.source === "memorystore") {
    lines.push(
      "REDIS_URL comes from Memorystore, which holds one AUTH string: changing it on the instance stops the old one at once, so there is no overlap. Change it in a quiet moment; pulumi up then stores the new AUTH string as the new version.",
    );
  }
  lines.push(
    "Impact:",
    ...impactLines(e.impact),
    `Recorded in ${LOG_FILE} (line ${logged.line}) by ${operator} at ${e.ts}.`,
    "",
    "Next steps, in order:",
    ...nextSteps(e, planned.model).map((s, i) => `  ${i + 1}. ${s}`),
    "",
    `Commit ${recordFiles([stack])} together.`,
  );
  o.out(lines.join("\n"));
}
