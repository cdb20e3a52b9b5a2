import {
  keeperDate,
  Model,
  RotationPhase,
  rotationPhase,
  rotationProgress,
  RotationStateName,
} from "../../model";
import type { PlanContext } from "../plan";
import { ops, OpsContext } from "./context";
import { AppliedEntry, LogEntry, Logged, readLog, RotateEntry } from "./log";
import { loadModel } from "./stackEdit";

/** Days before the limit at which a secret shows as due soon. */
export const DUE_SOON_DAYS = 14;
const DAY_MS = 86_400_000;

/** Where a secret's rotation stands (guide, baseline rule 5: at least every 90 days). */
export interface SecretStatus {
  variable: string;
  keeper: string;
  previousKeeper: string | null;
  /** Variables produced with it (`AWS_ACCESS_KEY_ID`), which share its age. */
  followers: string[];
  /** The rotation state machine's state for this variable (both stacks, from the log). */
  state: RotationStateName;
  /** This stack's phase: a previous value live, and whether it can be revoked. */
  phase: RotationPhase;
  /** When the current value was made (UTC), or null when nothing records it. */
  lastRotation: string | null;
  /**
   * What dates it: `log` a rotate entry made this keeper; `applied` the first deploy that ran it
   * (a value never rotated since); `keeper` the date in a runbook keeper; `none` nothing (a stack
   * not deployed yet).
   */
  evidence: "log" | "applied" | "keeper" | "none";
  ageDays: number | null;
  periodDays: number;
  /** Days until its period ends (negative once overdue), or null when its age is unknown. */
  dueInDays: number | null;
  /**
   * `unrecorded`: nothing dates the value (no rotate entry, no \`applied\` entry running it, no
   * dated keeper), as on a stack not deployed yet. Not counted as overdue; listed so it is not
   * forgotten either.
   */
  status: "ok" | "due-soon" | "overdue" | "unrecorded";
}

/** Every secret of a stack with its last rotation, age and state, from the log and the keepers. */
export function rotationStatus(model: Model, log: Logged[], now: Date): SecretStatus[] {
  const stack = model.config.stack;
  const entries = log.map((l) => l.entry);
  const leaders = model.secrets.filter(
    (s, i, all) => !s.rotatesWith && all.findIndex((x) => x.variable === s.variable) === i,
  );
  return leaders.map((s) => {
    const made = entries
      .filter(
        (e): e is RotateEntry =>
          e.action === "rotate" &&
          e.stack === stack &&
          e.variable === s.variable &&
          e.newKeeper === s.keeper,
      )
      .pop();
    const deployed = entries.find(
      (e): e is AppliedEntry =>
        e.action === "applied" && e.stack === stack && e.keepers[s.variable] === s.keeper,
    );
    const fromKeeper = keeperDate(s.keeper);
    const last = made ? new Date(made.ts) : deployed ? new Date(deployed.ts) : fromKeeper;
    const ageDays = last ? Math.floor((now.getTime() - last.getTime()) / DAY_MS) : null;
    const dueInDays = ageDays === null ? null : s.rotationDays - ageDays;
    const status: SecretStatus["status"] =
      dueInDays === null
        ? "unrecorded"
        : dueInDays < 0
          ? "overdue"
          : dueInDays < DUE_SOON_DAYS
            ? "due-soon"
            : "ok";
    const progress = rotationProgress(entries, s.variable);
    return {
      variable: s.variable,
      keeper: s.keeper,
      previousKeeper: s.previousKeeper ?? null,
      followers: [
        ...new Set(
          model.secrets.filter((f) => f.rotatesWith === s.variable).map((f) => f.variable),
        ),
      ],
      state: progress.state,
      phase: rotationPhase(s.previousKeeper, progress),
      lastRotation: last ? last.toISOString().replace(/\.\d{3}Z$/, "Z") : null,
      evidence: made ? "log" : deployed ? "applied" : fromKeeper ? "keeper" : "none",
      ageDays,
      periodDays: s.rotationDays,
      dueInDays,
      status,
    };
  });
}

/**
 * The JSON `rotation-status --json` prints: a stable form the reminder workflow reads. Its fields
 * only ever grow; `version` changes if one is ever renamed or removed.
 */
export const statusJson = (stack: string, rows: SecretStatus[], now: Date) => ({
  version: 1,
  stack,
  generatedAt: now.toISOString().replace(/\.\d{3}Z$/, "Z"),
  dueSoonDays: DUE_SOON_DAYS,
  overdue: rows.filter((r) => r.status === "overdue").map((r) => r.variable),
  dueSoon: rows.filter((r) => r.status === "due-soon").map((r) => r.variable),
  unrecorded: rows.filter((r) => r.status === "unrecorded").map((r) => r.variable),
  secrets: rows,
});

/** The table `rotation-status` prints. */
export function statusText(stack: string, rows: SecretStatus[]): string {
  const table = [
    ["VARIABLE", "KEEPER", "LAST ROTATION (UTC)", "AGE", "LIMIT", "STATUS", "ROTATION STATE"],
    ...rows.map((r) => [
      r.variable + (r.followers.length ? ` (+${r.followers.join(",")})` : ""),
      r.keeper + (r.previousKeeper ? ` (previous ${r.previousKeeper} live)` : ""),
      r.lastRotation
        ? `${r.lastRotation}${r.evidence === "keeper" ? " (from keeper)" : r.evidence === "applied" ? " (first deploy)" : ""}`
        : "no record",
      r.ageDays === null ? "-" : `${r.ageDays}d`,
      `${r.periodDays}d`,
      r.status === "overdue"
        ? `OVERDUE by ${-r.dueInDays!}d`
        : r.status === "due-soon"
          ? `due in ${r.dueInDays}d`
          : r.status,
      r.state === "stable" ? "-" : r.state,
    ]),
  ];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const lines = table.map((row) =>
    `  ${row.map((c, i) => c.padEnd(widths[i])).join("  ")}`.trimEnd(),
  );
  const unrecorded = rows.filter((r) => r.status === "unrecorded").length;
  return [
    `Rotation status of ${stack} (limit: the catalog's period, at most 90 days)`,
    ...lines,
    ...(unrecorded
      ? [
          `${unrecorded} secret(s) with no record: nothing in the operations log dates their value yet. The first \`applied\` entry of ${stack} (CI records one after each pulumi up) starts their clock.`,
        ]
      : []),
  ].join("\n");
}

/**
 * The plan's warnings about production secrets past their rotation period, or with no recorded
 * rotation at all. Staging is rehearsal: its age is not a production risk.
 */
export function overdueWarnings(projectDir: string, model: Model, now: Date): string[] {
  if (model.config.stack !== "production") return [];
  let log: Logged[];
  try {
    log = readLog(projectDir);
  } catch (err) {
    return [`${(err as Error).message} Rotation ages could not be checked.`];
  }
  const rows = rotationStatus(model, log, now);
  const warnings = rows
    .filter((r) => r.status === "overdue")
    .map(
      (r) =>
        `${r.variable} in production was last rotated ${r.ageDays} days ago (${r.lastRotation}), past its ${r.periodDays}-day limit: npx pegasus-secrets rotate ${r.variable} --stack staging --operator <you>, then production.`,
    );
  return warnings;
}

/**
 * What the plan shows from the operations log: overdue production secrets, and where each
 * variable's rotation stands (the phase of each secret). A log that cannot be read is a warning.
 */
export function planContext(projectDir: string, model: Model, now = new Date()): PlanContext {
  let events: LogEntry[] = [];
  try {
    events = readLog(projectDir).map((l) => l.entry);
  } catch {
    // overdueWarnings reports the unreadable log.
  }
  return {
    warnings: overdueWarnings(projectDir, model, now),
    progress: (variable) => rotationProgress(events, variable),
    now,
  };
}

/**
 * `rotation-status --stack <name>`: every secret's last rotation, age and whether it is past its
 * period (guide, baseline rule 5). `failOnOverdue` fails, for CI, when any secret is past it; a
 * value nothing dates yet (a stack never deployed) is listed, not counted as overdue.
 */
export async function showRotationStatus(
  ctx: OpsContext,
  opts: { stack: string; failOnOverdue?: boolean; json?: boolean },
): Promise<void> {
  const o = ops(ctx);
  const { stack } = opts;
  const now = o.now();
  const rows = rotationStatus(loadModel(o.projectDir, stack), readLog(o.projectDir), now);
  o.out(
    opts.json ? JSON.stringify(statusJson(stack, rows, now), null, 2) : statusText(stack, rows),
  );
  if (!opts.failOnOverdue) return;
  const overdue = rows.filter((r) => r.status === "overdue");
  if (overdue.length > 0) {
    throw new Error(
      `${stack} has secrets past their rotation period: ${overdue.map((r) => `${r.variable} (${-r.dueInDays!} days over)`).join(", ")}. Rotate each through the runbook: npx pegasus-secrets rotate <VARIABLE> --stack staging --operator <you>, then production (docs/runbook.md).`,
    );
  }
}
