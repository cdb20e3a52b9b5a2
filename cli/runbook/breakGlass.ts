import * as fs from "fs";
import * as path from "path";
import { BREAK_GLASS_ENV, configSetCommands, STACKS } from "../../model";
import { checkIncident, checkOperator, checkText, Ops, ops, OpsContext, utc } from "./context";
import { FollowUp, restartFollowUps, shellLine } from "./followUps";
import { FREEZE_FILE, writeFreeze } from "./freezeMarker";
import { resolveSecret } from "./impact";
import { writeIncident } from "./incident";
import { appendLog, LOG_FILE, Logged, readLog, RotateEntry } from "./log";
import { commit, planRotation, PlannedRotation, recordFiles } from "./rotation";
import { stackFilePath, StackFile, validateStackText } from "./stackEdit";

/** The options of `break-glass`. */
export interface BreakGlassOptions {
  operator: string;
  incident: string;
  reason?: string;
  /** Run the follow-up commands now instead of printing them. */
  run?: boolean;
}

/**
 * `break-glass <VARIABLE...>`: the guide's break-glass procedure for a confirmed leak or active
 * abuse, as far as code can take it. 1. freezes deploys; 2. rotates every named secret in every stack
 * at once (no staging-first order, no overlap window); 3.-4. prints, or with `--run` runs, the exact
 * `pulumi up`, restart and verify commands; 5. opens the incident record with the impact window and
 * remediation timeline to fill in. Everything is recorded in the operations log.
 */
export async function breakGlass(
  ctx: OpsContext,
  variables: string[],
  opts: BreakGlassOptions,
): Promise<void> {
  const o = ops(ctx);
  const operator = checkOperator(opts.operator);
  const incident = checkIncident(opts.incident);
  const reason = checkText("--reason", opts.reason);
  const vars = [...new Set(variables)];
  // Production first: that is where a leaked value does harm.
  const stacks = [...STACKS].sort((a, b) => (a === "production" ? -1 : b === "production" ? 1 : 0));
  for (const v of vars) resolveSecret(v, stacks[0], operator);
  checkPrerequisites(o, stacks, opts.run === true);
  const now = o.now();
  const ts = utc(now);

  // Plan and validate every rotation before anything is written: all of them happen, or none.
  const log = readLog(o.projectDir);
  const files = stacks.map((s) => StackFile.load(o.projectDir, s));
  const planned: PlannedRotation[] = [];
  for (const file of files) {
    for (const variable of vars) {
      const p = planRotation(
        o.projectDir,
        log,
        file,
        { stack: file.stack, variable, operator, reason, breakGlass: true, incident },
        now,
      );
      if (p.kind === "rotate") planned.push(p);
    }
  }
  const external = vars.filter((v) =>
    planned.some((p) => p.entry.variable === v && p.entry.valuePending),
  );
  if (opts.run && external.length > 0) {
    throw new Error(
      `--run cannot set the new value of ${external.join(", ")} for you (the issuer creates it). Nothing was changed. Run break-glass without --run, then run the printed commands in order: the first ones store the new values (pulumi config set --secret, or seal).`,
    );
  }

  for (const f of files) validateStackText(o.projectDir, f.stack, f.toString());

  // Step 1: freeze (kept if one is already in force), then step 2: the rotations.
  const frozen = writeFreeze(o.projectDir, { since: ts, operator, incident, reason });
  let freezeLine: number | null = null;
  if (frozen.created) {
    freezeLine = appendLog(o.projectDir, {
      action: "freeze",
      ts,
      operator,
      incident,
      reason,
    }).line;
  }
  const written = commit(
    o.projectDir,
    files,
    planned.map((p) => p.entry),
  );

  // Steps 3 and 4, per stack: external values first, then pulumi up, restarts, applied, verify.
  const followUps: FollowUp[] = [];
  for (const stack of stacks) {
    const model = planned.find((p) => p.entry.stack === stack)?.model;
    if (!model) continue;
    for (const v of external) {
      for (const c of configSetCommands(model, v, stack, operator)) {
        followUps.push({
          stack,
          step: "value",
          note: `new value of ${v}`,
          command: c.split(" "),
        });
      }
    }
    followUps.push({
      stack,
      step: "up",
      note:
        stack === "production"
          ? `apply the new values to production (the program lets this run only under the freeze of ${incident}; the break-glass workflow does the same in CI)`
          : `apply the new values to ${stack}`,
      command: ["pulumi", "up", "--stack", stack, "--yes"],
      env: { [BREAK_GLASS_ENV]: incident },
    });
    const services = [
      ...new Set(
        planned.filter((p) => p.entry.stack === stack).flatMap((p) => p.entry.impact.services),
      ),
    ];
    followUps.push(...restartFollowUps(model, stack, services));
    followUps.push({
      stack,
      step: "applied",
      note: `record what ${stack} now runs (verify counts only against it)`,
      command: ["npx", "pegasus-secrets", "applied", "--stack", stack, "--operator", operator],
    });
    followUps.push({
      stack,
      step: "verify",
      note: `readiness and smoke checks of ${stack}`,
      command: ["npx", "pegasus-secrets", "verify", "--stack", stack, "--operator", operator],
    });
  }
  // Environment assignments first, as the printed shell line has them.
  const commands = followUps
    .filter((f) => f.command)
    .map((f) => [...Object.entries(f.env ?? {}).map(([k, v]) => `${k}=${v}`), ...f.command!]);
  const bg = appendLog(o.projectDir, {
    action: "break-glass",
    ts,
    operator,
    incident,
    variables: vars,
    stacks,
    reason,
    commands,
  });

  // Step 5: the incident record.
  const rotations = planned.map((p, i) => ({
    entry: p.entry as RotateEntry,
    line: written[i].line,
  }));
  const record = writeIncident(o.projectDir, {
    incident,
    operator,
    ts,
    reason,
    variables: vars,
    stacks,
    rotations,
    freeze: { since: frozen.freeze.since, line: freezeLine },
    followUps,
    externalVariables: external,
  });
  const rel = (f: string) => path.relative(o.projectDir, f).split(path.sep).join("/");

  const out: string[] = [
    `BREAK-GLASS ${incident} by ${operator} at ${ts}`,
    `1. Deploys frozen: ${frozen.created ? `wrote ${FREEZE_FILE}` : `already frozen since ${frozen.freeze.since}`}.`,
    `2. Rotated ${vars.join(", ")} in ${stacks.join(", ")} (${LOG_FILE} lines ${written[0].line}-${written[written.length - 1].line}):`,
    ...rotations.map(
      (r) =>
        `     ${r.entry.stack} ${r.entry.variable}: ${r.entry.oldKeeper} -> ${r.entry.newKeeper}${r.entry.valuePending ? " (new value still to set)" : ""}; services ${r.entry.impact.services.join(", ") || "none"}`,
    ),
    `5. Incident record ${record.created ? "opened" : "extended"}: ${rel(record.file)} (fill in the impact window and the timeline).`,
    "",
    opts.run ? "3.-4. Running, in order:" : "3.-4. Run, in order (or run break-glass with --run):",
    ...numbered(followUps),
  ];
  o.out(out.join("\n"));
  if (!opts.run) {
    o.out(
      [
        "",
        `Then commit ${recordFiles(stacks)} ${FREEZE_FILE} ${rel(record.file)} together (break-glass log entry: line ${bg.line}).`,
        `Lift the freeze when every stack verifies: npx pegasus-secrets lift-freeze --operator ${operator}`,
      ].join("\n"),
    );
    return;
  }
  await runFollowUps(o, followUps, incident, operator);
}

/**
 * Everything break-glass needs, checked before it changes anything: every stack file, a clean work
 * tree (the break-glass commit must hold only the rotation), and for `--run` the Pulumi CLI. Says
 * exactly what is missing; nothing was written.
 */
function checkPrerequisites(o: Ops, stacks: string[], run: boolean): void {
  const missing: string[] = [];
  for (const s of stacks) {
    if (!fs.existsSync(stackFilePath(o.projectDir, s))) {
      missing.push(`Pulumi.${s}.yaml is missing: break-glass rotates every stack at once`);
    }
  }
  const git = o.probe(["git", "status", "--porcelain", "--untracked-files=no"], {
    cwd: o.projectDir,
  });
  if (git.status === null) {
    missing.push("git is not available: break-glass needs it to check that the work tree is clean");
  } else if (git.status !== 0) {
    missing.push(`${o.projectDir} is not a git work tree: break-glass records its changes in git`);
  } else if (git.stdout.trim() !== "") {
    // Porcelain lines are "XY <path>": the status columns may start with a space, so no trim.
    const files = git.stdout
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => l.slice(3));
    missing.push(
      `the work tree has uncommitted changes (${files.join(", ")}): commit or stash them, so the break-glass commit holds only the rotation`,
    );
  }
  if (run) {
    const pulumi = o.probe(["pulumi", "version"], { cwd: o.projectDir });
    if (pulumi.status !== 0) {
      missing.push(
        "--run runs pulumi up, and the Pulumi CLI is not installed here (https://www.pulumi.com/docs/install/); run break-glass without --run and the printed commands where it is, or use the break-glass workflow",
      );
    }
  }
  if (missing.length > 0) {
    throw new Error(
      `Break-glass cannot start; nothing was changed:\n${missing.map((m) => `  - ${m}`).join("\n")}`,
    );
  }
}

/** Runs the follow-ups in order through the context's executor, logging each; stops at the first failure. */
async function runFollowUps(
  o: Ops,
  followUps: FollowUp[],
  incident: string,
  operator: string,
): Promise<void> {
  const ran: Logged[] = [];
  for (const f of followUps) {
    if (!f.command) {
      o.out(f.step === "info" ? `-- (${f.note})` : `-- by hand: ${f.note}`);
      continue;
    }
    o.out(`-- ${shellLine(f.command, f.env)}`);
    const exitCode = await o.exec(f.command, { cwd: o.projectDir, env: f.env });
    ran.push(
      appendLog(o.projectDir, {
        action: "command",
        ts: utc(o.now()),
        operator,
        incident,
        command: [...Object.entries(f.env ?? {}).map(([k, v]) => `${k}=${v}`), ...f.command],
        exitCode,
      }),
    );
    if (exitCode !== 0) {
      throw new Error(
        `\`${shellLine(f.command, f.env)}\` exited with ${exitCode} (recorded in ${LOG_FILE} line ${ran[ran.length - 1].line}). The remaining steps did not run: fix the cause, then run them by hand in the order printed above. Deploys stay frozen.`,
      );
    }
  }
  o.out(
    `All break-glass commands succeeded. Fill in operations/incidents/${incident}.md, then lift the freeze: npx pegasus-secrets lift-freeze --operator ${operator}`,
  );
}

/** The follow-ups as printed: numbered steps (a command, or by hand), notes unnumbered. */
function numbered(followUps: FollowUp[]): string[] {
  let n = 0;
  return followUps.map((f) => {
    if (f.step === "info") return `       (${f.note})`;
    n++;
    return f.command
      ? `  ${n}. ${shellLine(f.command, f.env)}   # ${f.note}`
      : `  ${n}. by hand: ${f.note}`;
  });
}
