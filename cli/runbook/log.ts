import * as fs from "fs";
import * as path from "path";
import type { Impact } from "../../model";
import { ops, OpsContext } from "./context";

/**
 * The operations log: one JSON object per line in `operations/log.jsonl`, committed with the stack
 * files it explains (guide, rotation runbook step 5: operator, timestamp, impacted services).
 *
 * Append-only: entries are only ever added at the end of the file, never rewritten, so `git log -p`
 * of the file is the audit trail and an auditor can trust that an entry seen once stays the same.
 * Order in the file is the order of events; timestamps are for humans.
 */
export const LOG_FILE = path.join("operations", "log.jsonl");

interface Base {
  /** UTC, ISO 8601. */
  ts: string;
  operator: string;
}

/** A keeper bump in one stack file. */
export interface RotateEntry extends Base {
  action: "rotate";
  stack: string;
  variable: string;
  source: string;
  oldKeeper: string;
  newKeeper: string;
  /** Signing keys: the keeper whose value stays valid until `finalize`. */
  previousKeeper: string | null;
  /** A break-glass rotation closes an open overlap window at once: the keeper it revoked. */
  revokedKeeper: string | null;
  impact: Impact;
  reason: string | null;
  breakGlass: boolean;
  incident: string | null;
  /** External secrets: the encrypted config keys that hold the new value. */
  externalKeys: string[];
  /** Break-glass on an external secret: the new value still has to be set before `pulumi up`. */
  valuePending: boolean;
}

/** First half of an external secret's rotation: the fingerprints of the ciphertexts it must see replaced. */
export interface RotateStartedEntry extends Base {
  action: "rotate-started";
  stack: string;
  variable: string;
  /** Config key -> fingerprint of its ciphertext (`unset` when the key is absent). Never a value. */
  keys: Record<string, string>;
  reason: string | null;
}

/** End of an overlap window: the previous keeper removed from the stack file. */
export interface FinalizeEntry extends Base {
  action: "finalize";
  stack: string;
  variable: string;
  keeper: string;
  revokedKeeper: string;
  /** Secret Manager secrets whose previous version `pulumi up` disables. */
  secretIds: string[];
  /** Platform variables `pulumi up` removes (`JWT_SECRET_PREVIOUS`), per target when known. */
  platformVariables: string[];
  reason: string | null;
}

/**
 * One check of `verify`: the deployed keepers (what `pulumi up` last applied, from the stack's
 * outputs), a readiness endpoint, or a smoke step.
 */
export interface CheckResult {
  kind: "deployed" | "ready" | "smoke";
  name: string;
  ok: boolean;
  /** A short status line: HTTP status, attempts, the failing condition. Never a response body. */
  detail: string;
  attempts: number;
  ms: number;
  /** Scheme, host and path only: a query string could carry a token. */
  url: string;
}

export interface VerifyEntry extends Base {
  action: "verify";
  stack: string;
  ok: boolean;
  /** The stack's keepers when it was verified, so a rotation can be tied to the verify that followed it. */
  keepers: Record<string, string>;
  previousKeepers: Record<string, string>;
  /** The keepers `pulumi stack output rotationKeepers` reported, or null when it could not be read. */
  deployedKeepers: Record<string, string> | null;
  checks: CheckResult[];
  ms: number;
}

export interface FreezeEntry extends Base {
  action: "freeze";
  incident: string | null;
  reason: string | null;
}

export interface LiftFreezeEntry extends Base {
  action: "lift-freeze";
  incident: string | null;
  frozenSince: string;
  reason: string | null;
}

export interface BreakGlassEntry extends Base {
  action: "break-glass";
  incident: string;
  variables: string[];
  stacks: string[];
  reason: string | null;
  /** The follow-up commands, in order, as printed (or run with `--run`). */
  commands: string[][];
}

/** A command `break-glass --run` executed, with its exit code. */
export interface CommandEntry extends Base {
  action: "command";
  incident: string | null;
  command: string[];
  exitCode: number;
}

export type LogEntry =
  | RotateEntry
  | RotateStartedEntry
  | FinalizeEntry
  | VerifyEntry
  | FreezeEntry
  | LiftFreezeEntry
  | BreakGlassEntry
  | CommandEntry;

/** An entry with its 1-based line number in the file. */
export interface Logged<T extends LogEntry = LogEntry> {
  line: number;
  entry: T;
}

const ACTIONS = new Set<string>([
  "rotate",
  "rotate-started",
  "finalize",
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

/** The log as a Markdown table, for people who read it in a pull request or an audit. */
export function logMarkdown(log: Logged[]): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  const rows = log.map(({ line, entry: e }) => {
    const what = ((): string => {
      switch (e.action) {
        case "rotate":
          return `rotate ${e.variable} in ${e.stack}: ${e.oldKeeper} -> ${e.newKeeper}${e.previousKeeper ? ` (previous ${e.previousKeeper} valid until finalize)` : ""}${e.breakGlass ? ` [break-glass ${e.incident}]` : ""}; services ${e.impact.services.join(", ") || "none"}; ${e.impact.targets.length} platform target(s)`;
        case "rotate-started":
          return `rotation of ${e.variable} in ${e.stack} started: waiting for ${Object.keys(e.keys).join(", ")}`;
        case "finalize":
          return `finalize ${e.variable} in ${e.stack}: previous ${e.revokedKeeper} revoked`;
        case "verify":
          return `verify ${e.stack}: ${e.ok ? "passed" : "FAILED"} (${e.checks.filter((c) => c.ok).length}/${e.checks.length} checks)`;
        case "freeze":
          return `deploys frozen${e.incident ? ` for ${e.incident}` : ""}`;
        case "lift-freeze":
          return `freeze lifted (frozen since ${e.frozenSince})`;
        case "break-glass":
          return `break-glass ${e.incident}: ${e.variables.join(", ")} in ${e.stacks.join(", ")}`;
        case "command":
          return `ran \`${e.command.join(" ")}\`: exit ${e.exitCode}`;
      }
    })();
    const reason = "reason" in e && e.reason ? ` — ${e.reason}` : "";
    return `| ${line} | ${e.ts} | ${cell(e.operator)} | ${cell(what + reason)} |`;
  });
  return [
    "| line | time (UTC) | operator | event |",
    "|---|---|---|---|",
    ...(rows.length ? rows : ["| | | | (no entries) |"]),
  ].join("\n");
}

/** `log`: the operations log as a Markdown table, optionally only one stack's or one variable's entries. */
export async function showLog(
  ctx: OpsContext,
  opts: { stack?: string; variable?: string },
): Promise<void> {
  const o = ops(ctx);
  const rows = readLog(o.projectDir).filter(({ entry: e }) => {
    if (
      opts.stack &&
      (!("stack" in e) || e.stack !== opts.stack) &&
      !("stacks" in e && e.stacks.includes(opts.stack))
    ) {
      return false;
    }
    if (opts.variable) {
      const vars = "variable" in e ? [e.variable] : "variables" in e ? e.variables : [];
      if (!vars.includes(opts.variable)) return false;
    }
    return true;
  });
  o.out(logMarkdown(rows));
}
