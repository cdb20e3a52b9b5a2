import { keeperDate, Model, rotationProgress } from "../../model";
import type { PlanContext } from "../plan";
import { ops, OpsContext } from "./context";
import { LOG_FILE, LogEntry, Logged, readLog, RotateEntry } from "./log";
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
  /** When the current keeper was made (UTC), or null when nothing records it. */
  lastRotation: string | null;
  /** `log`: a rotate entry made this keeper; `keeper`: its date is in the keeper itself; `none`. */
  evidence: "log" | "keeper" | "none";
  ageDays: number | null;
  periodDays: number;
  status: "ok" | "due-soon" | "overdue" | "unknown";
}

/** Every secret of a stack with its last rotation and age, from the log and the keepers. */
export function rotationStatus(model: Model, log: Logged[], now: Date): SecretStatus[] {
  const stack = model.config.stack;
  const leaders = model.secrets.filter(
    (s, i, all) => !s.rotatesWith && all.findIndex((x) => x.variable === s.variable) === i,
  );
  return leaders.map((s) => {
    const made = log
      .map((l) => l.entry)
      .filter(
        (e): e is RotateEntry =>
          e.action === "rotate" &&
          e.stack === stack &&
          e.variable === s.variable &&
          e.newKeeper === s.keeper,
      )
      .pop();
    const fromKeeper = keeperDate(s.keeper);
    const last = made ? new Date(made.ts) : fromKeeper;
    const ageDays = last ? Math.floor((now.getTime() - last.getTime()) / DAY_MS) : null;
    const status: SecretStatus["status"] =
      ageDays === null
        ? "unknown"
        : ageDays > s.rotationDays
          ? "overdue"
          : ageDays > s.rotationDays - DUE_SOON_DAYS
            ? "due-soon"
            : "ok";
    return {
      variable: s.variable,
      keeper: s.keeper,
      previousKeeper: s.previousKeeper ?? null,
      followers: [
        ...new Set(
          model.secrets.filter((f) => f.rotatesWith === s.variable).map((f) => f.variable),
        ),
      ],
      lastRotation: last ? last.toISOString().replace(/\.\d{3}Z$/, "Z") : null,
      evidence: made ? "log" : fromKeeper ? "keeper" : "none",
      ageDays,
      periodDays: s.rotationDays,
      status,
    };
  });
}

/** The table `rotation-status` prints. */
export function statusText(stack: string, rows: SecretStatus[]): string {
  const table = [
    ["VARIABLE", "KEEPER", "LAST ROTATION (UTC)", "AGE", "LIMIT", "STATUS"],
    ...rows.map((r) => [
      r.variable + (r.followers.length ? ` (+${r.followers.join(",")})` : ""),
      r.keeper + (r.previousKeeper ? ` (previous ${r.previousKeeper} open)` : ""),
      r.lastRotation
        ? `${r.lastRotation}${r.evidence === "keeper" ? " (from keeper)" : ""}`
        : "not recorded",
      r.ageDays === null ? "?" : `${r.ageDays}d`,
      `${r.periodDays}d`,
      r.status === "overdue"
        ? `OVERDUE by ${r.ageDays! - r.periodDays}d`
        : r.status === "due-soon"
          ? `due in ${r.periodDays - r.ageDays!}d`
          : r.status,
    ]),
  ];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const lines = table.map((row) =>
    `  ${row.map((c, i) => c.padEnd(widths[i])).join("  ")}`.trimEnd(),
  );
  return [
    `Rotation status of ${stack} (limit: the catalog's period, at most 90 days)`,
    ...lines,
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
  const unknown = rows.filter((r) => r.status === "unknown").map((r) => r.variable);
  if (unknown.length > 0) {
    warnings.push(
      `${unknown.length} production secret(s) have no recorded rotation (${unknown.join(", ")}): their age is unknown until each is rotated through the runbook (${LOG_FILE}).`,
    );
  }
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
 * period (guide, baseline rule 5). `failOnOverdue` fails, for CI, when any secret is past it or has
 * no recorded rotation.
 */
export async function showRotationStatus(
  ctx: OpsContext,
  opts: { stack: string; failOnOverdue?: boolean; json?: boolean },
): Promise<void> {
  const o = ops(ctx);
  const { stack } = opts;
  const rows = rotationStatus(loadModel(o.projectDir, stack), readLog(o.projectDir), o.now());
  o.out(opts.json ? JSON.stringify({ stack, secrets: rows }, null, 2) : statusText(stack, rows));
  if (!opts.failOnOverdue) return;
  const overdue = rows.filter((r) => r.status === "overdue").map((r) => r.variable);
  const unknown = rows.filter((r) => r.status === "unknown").map((r) => r.variable);
  if (overdue.length + unknown.length > 0) {
    const parts = [
      overdue.length ? `past their rotation period: ${overdue.join(", ")}` : "",
      unknown.length ? `no recorded rotation: ${unknown.join(", ")}` : "",
    ].filter(Boolean);
    throw new Error(
      `${stack} has secrets ${parts.join("; ")}. Rotate each through the runbook (npx pegasus-secrets rotate <VARIABLE> --stack staging --operator <you>, then production; docs/runbook.md).`,
    );
  }
}
