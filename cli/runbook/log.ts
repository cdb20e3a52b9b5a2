import * as fs from "fs";
import * as path from "path";
import type { LogEntry, RotateEntry, VerifyEntry } from "./entries";

export type * from "./entries";

/**
 * The operations log: one JSON object per line in `operations/log.jsonl`, committed with the stack
 * files it explains (guide, rotation runbook step 5: operator, timestamp, impacted services).
 *
 * Append-only: entries are only ever added at the end of the file, never rewritten, so `git log -p`
 * of the file is the audit trail and an auditor can trust that an entry seen once stays the same.
 * Order in the file is the order of events; timestamps are for humans.
 */
export const LOG_FILE = path.join("operations", "log.jsonl");

/** An entry with its 1-based line number in the file. */
export interface Logged<T extends LogEntry = LogEntry> {
  line: number;
  entry: T;
}

const ACTIONS = new Set<string>([
  "rotate",
  "rotate-started",
  "applied",
  "finalize",
  "grant-access",
  "seal",
  "revoke-access",
  "verify",
  "freeze",
  "lift-freeze",
  "break-glass",
  "command",
]);

export const logPath = (projectDir: string): string => path.join(projectDir, LOG_FILE);

/** Reads every entry. A line that is not an entry means the file was edited by hand: refuse. */
export function readLog(projectDir: string): Logged[] {
  const file = logPath(projectDir);
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, "utf8");
  const out: Logged[] = [];
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    if (raw === "" && i === lines.length - 1) return;
    let entry: unknown;
    try {
      entry = JSON.parse(raw);
    } catch {
      entry = undefined;
    }
    const action = (entry as { action?: unknown } | undefined)?.action;
    if (!entry || typeof entry !== "object" || typeof action !== "string" || !ACTIONS.has(action)) {
      throw new Error(
        `${LOG_FILE} line ${i + 1} is not an operations log entry. The log is append-only: restore the line from git (git diff -- ${LOG_FILE}).`,
      );
    }
    out.push({ line: i + 1, entry: entry as LogEntry });
  });
  return out;
}

/**
 * Appends one entry. Opens the file in append mode and never writes anywhere else, so earlier bytes
 * cannot change; refuses if the last line lacks its newline (a hand edit), rather than glue onto it.
 */
export function appendLog(projectDir: string, entry: LogEntry): Logged {
  const file = logPath(projectDir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const line = JSON.stringify(entry);
  let lines = 0;
  if (fs.existsSync(file)) {
    const text = fs.readFileSync(file, "utf8");
    if (text.length > 0 && !text.endsWith("\n")) {
      throw new Error(
        `${LOG_FILE} does not end with a newline: its last line was edited by hand. Restore it from git (git diff -- ${LOG_FILE}), then run the command again.`,
      );
    }
    lines = text === "" ? 0 : text.split("\n").length - 1;
  }
  const fd = fs.openSync(file, "a");
  try {
    fs.writeSync(fd, `${line}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return { line: lines + 1, entry };
}

/** Index of the last entry matching, or -1. */
export function lastIndex<T extends LogEntry>(
  log: Logged[],
  pred: (e: LogEntry) => e is T,
  before = log.length,
): number {
  for (let i = Math.min(before, log.length) - 1; i >= 0; i--) if (pred(log[i].entry)) return i;
  return -1;
}

export const isRotate =
  (stack?: string, variable?: string) =>
  (e: LogEntry): e is RotateEntry =>
    e.action === "rotate" &&
    (stack === undefined || e.stack === stack) &&
    (variable === undefined || e.variable === variable);

export const isVerify =
  (stack?: string) =>
  (e: LogEntry): e is VerifyEntry =>
    e.action === "verify" && (stack === undefined || e.stack === stack);
