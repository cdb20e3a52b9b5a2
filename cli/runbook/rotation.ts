import * as fs from "fs";
import * as path from "path";
import { SecretEntry } from "../../catalog";
import {
  configSetCommands,
  describeProgress,
  externalKeysOf,
  nextCommand,
  impactOf,
  INITIAL_KEEPER,
  Model,
  nextKeeper,
  previousKeepers,
  resolveSecret,
  rotationKeepers,
  STACKS,
} from "../../model";
import { utc } from "./context";
import { progressOf } from "./gates";
import { list } from "./impact";
import {
  appendLog,
  isRotate,
  lastIndex,
  LOG_FILE,
  Logged,
  LogEntry,
  RotateEntry,
  RotateStartedEntry,
} from "./log";
import {
  loadModel,
  StackFile,
  StackFileEdit,
  validateStackText,
  writeStackFiles,
} from "./stackEdit";

/** Every keeper a variable has had in a stack: so a new one never repeats an old one. */
export function usedKeepers(
  log: Logged[],
  stack: string,
  variable: string,
  file: StackFile,
): string[] {
  const used = [file.keepers("rotations")[variable], file.keepers("previousKeepers")[variable]];
  for (const { entry: e } of log) {
    if (e.action === "rotate" && e.stack === stack && e.variable === variable) {
      used.push(e.oldKeeper, e.newKeeper);
      if (e.previousKeeper) used.push(e.previousKeeper);
    }
  }
  return used.filter((k): k is string => typeof k === "string");
}

/** The keepers a `verify` entry records: one per variable that has a keeper. */
export const stackKeepers = (model: Model) => ({
  keepers: rotationKeepers(model),
  previousKeepers: previousKeepers(model),
});

/** What a rotation request says. */
export interface RotateRequest {
  stack: string;
  variable: string;
  operator: string;
  reason: string | null;
  breakGlass: boolean;
  incident: string | null;
}

/** A rotation ready to write: the stack file edit and the log entry that explains it. */
export interface PlannedRotation {
  kind: "rotate";
  entry: RotateEntry;
  catalog: SecretEntry;
  model: Model;
}

/** The first half of an external secret's rotation: what to set before the rotation can be recorded. */
export interface StartedRotation {
  kind: "started";
  entry: RotateStartedEntry;
  catalog: SecretEntry;
  commands: string[];
}

/**
 * Plans one rotation on an open stack file (several can share one file in break-glass): checks the
 * runbook's order for this variable, then bumps its keeper in `file`. Writes nothing.
 */
export function planRotation(
  projectDir: string,
  log: Logged[],
  file: StackFile,
  req: RotateRequest,
  now: Date,
): PlannedRotation | StartedRotation {
  const { stack, variable, operator } = req;
  const catalog = resolveSecret(variable, stack, operator);
  const model = loadModel(projectDir, stack);
  const secret = model.secrets.find((s) => s.variable === variable)!;
  const oldKeeper = file.keepers("rotations")[variable] ?? INITIAL_KEEPER;
  const openPrevious = file.keepers("previousKeepers")[variable];
  if (openPrevious && !req.breakGlass) {
    // Two phases: the previous value is revoked only at finalize, so a new rotation waits for it.
    const p = progressOf(log, variable);
    throw new Error(
      `Refusing to rotate ${variable} in ${stack}: its last rotation is still open (the previous value, keeper ${openPrevious}, is still live; ${describeProgress(p)}). One rotation at a time. Next: ${nextCommand(p, operator)}.`,
    );
  }
  if (stack === "staging" && !req.breakGlass) {
    // A rotation runs across the stacks: staging starts the next one only once every stack closed it.
    for (const other of STACKS.filter((s) => s !== stack)) {
      if (!fs.existsSync(path.join(projectDir, `Pulumi.${other}.yaml`))) continue;
      const open = StackFile.load(projectDir, other).keepers("previousKeepers")[variable];
      if (!open) continue;
      const p = progressOf(log, variable);
      throw new Error(
        `Refusing to rotate ${variable} in ${stack}: its last rotation is still open in ${other} (the previous value, keeper ${open}, is still live there; ${describeProgress(p)}). One rotation at a time. Next: npx pegasus-secrets finalize ${variable} --stack ${other} --operator ${operator}.`,
      );
    }
  }
  const source = secret.source.kind;
  const externalKeys = externalKeysOf(model, variable);

  if (source === "external" && !req.breakGlass) {
    // Two halves: record the ciphertexts to be replaced, let the operator set the new values with the
    // Pulumi CLI, then record the rotation once every key holds a new ciphertext.
    const lastRot = lastIndex(log, isRotate(stack, variable));
    const started = lastIndex(
      log,
      (e: LogEntry): e is RotateStartedEntry =>
        e.action === "rotate-started" && e.stack === stack && e.variable === variable,
    );
    const commands = configSetCommands(model, variable, stack, operator);
    if (started < 0 || started < lastRot) {
      return {
        kind: "started",
        catalog,
        commands,
        entry: {
          action: "rotate-started",
          ts: utc(now),
          operator,
          stack,
          variable,
          keys: Object.fromEntries(externalKeys.map((k) => [k, file.ciphertextFingerprint(k)])),
          reason: req.reason,
        },
      };
    }
    const start = log[started].entry as RotateStartedEntry;
    const unchanged = externalKeys.filter((k) => {
      const fp = file.ciphertextFingerprint(k);
      return fp === "unset" || fp === start.keys[k];
    });
    if (unchanged.length > 0) {
      const one = unchanged.length === 1;
      throw new Error(
        `Refusing to record the rotation of ${variable} in ${stack}: ${list(unchanged)} still ${one ? "holds" : "hold"} the value ${one ? "it" : "they"} held when the rotation started at ${start.ts}. ` +
          `Set the new value${one ? "" : "s"}: ${unchanged.map((k) => `pulumi config set --secret ${k} --stack ${stack}`).join("; ")}; then run npx pegasus-secrets rotate ${variable} --stack ${stack} --operator ${operator} again.`,
      );
    }
  }

  const newKeeper = nextKeeper(now, usedKeepers(log, stack, variable, file));
  file.setKeeper("rotations", variable, newKeeper);
  let previousKeeper: string | null = null;
  let revokedKeeper: string | null = null;
  if (req.breakGlass) {
    // After a leak the old value must stop working now: no previous value, and an open one closes.
    if (openPrevious) file.deleteKeeper("previousKeepers", variable);
    revokedKeeper = openPrevious ?? null;
  } else {
    // Two phases (DESIGN.md D2): the new value is added while the previous one stays live.
    file.setKeeper("previousKeepers", variable, oldKeeper);
    previousKeeper = oldKeeper;
  }
  // A Cloud SQL credential moves to the idle user: its new password is set while the live user's
  // password keeps working (break-glass too: there the previous user's password is retired at once).
  let activeUser: string | undefined;
  if (source === "cloudSql") {
    const live = file.keepers("activeUsers")[variable] ?? "a";
    activeUser = live === "a" ? "b" : "a";
    file.setKeeper("activeUsers", variable, activeUser);
  }
  return {
    kind: "rotate",
    catalog,
    model,
    entry: {
      action: "rotate",
      ts: utc(now),
      operator,
      stack,
      variable,
      source,
      oldKeeper,
      newKeeper,
      previousKeeper,
      revokedKeeper,
      impact: impactOf(model, variable),
      reason: req.reason,
      breakGlass: req.breakGlass,
      incident: req.incident,
      externalKeys: source === "external" ? externalKeys : [],
      valuePending: source === "external" && req.breakGlass,
      ...(activeUser ? { activeUser } : {}),
    },
  };
}

/**
 * Validates every edited stack file, writes them all, then appends the log entries. If the log
 * cannot be written the files are put back, so a keeper never changes without its record.
 */
export function commit(projectDir: string, files: StackFile[], entries: LogEntry[]): Logged[] {
  const edits: StackFileEdit[] = files.map((f) => f.edit()).filter((e) => e.after !== e.before);
  for (const e of edits) validateStackText(projectDir, e.stack, e.after);
  writeStackFiles(edits);
  const written: Logged[] = [];
  try {
    for (const entry of entries) written.push(appendLog(projectDir, entry));
  } catch (err) {
    if (written.length === 0) {
      writeStackFiles(edits.map((e) => ({ ...e, before: e.after, after: e.before })));
    }
    throw err;
  }
  return written;
}

/** The note `rotate` prints about how a stack's `pulumi up` reaches the services. */
export function rolloutNote(model: Model): string {
  const r = model.config.rollout;
  if (model.config.stack !== "production") return "";
  return r
    ? ` (applies to ${r.order.join(", then ")}, one at a time, each behind its /health/ready gate)`
    : " (no `rollout` config: every service receives the change at once; see docs/runbook.md)";
}

/**
 * The ordered next steps after a rotation, as commands: the change reaches the stack (staging may
 * be applied by an operator; production only by CI), its `applied` entry confirms it, `verify`
 * checks it, then production, then `finalize` revokes the previous value in both stacks.
 */
export function nextSteps(entry: RotateEntry, model: Model): string[] {
  const { stack, variable, operator } = entry;
  const cli = "npx pegasus-secrets";
  const steps: string[] = [];
  if (entry.valuePending) {
    steps.push(
      ...configSetCommands(model, variable, stack, operator).map(
        (c) => `${c}   (the new value, before the change is applied)`,
      ),
    );
  }
  if (stack === "production") {
    steps.push(
      `commit and push: CI applies production behind its approval${rolloutNote(model)} and records it (\`applied\`)`,
    );
  } else {
    steps.push(
      `commit and push: CI applies ${stack} and records it; or, from here: pulumi up --stack ${stack}, then ${cli} applied --stack ${stack} --operator ${operator}`,
    );
  }
  steps.push(`${cli} verify --stack ${stack} --operator ${operator}`);
  if (entry.breakGlass) return steps;
  if (stack === "staging") {
    steps.push(`${cli} rotate ${variable} --stack production --operator ${operator}`);
  } else {
    const issuer = entry.source === "external" ? " --revoked-at-issuer" : "";
    steps.push(
      `${cli} finalize ${variable} --stack staging --operator ${operator}${issuer}, and the same with --stack production (revokes the previous values once production is verified)`,
    );
  }
  return steps;
}

/** `Pulumi.staging.yaml` and the log, named relative to the project, for the commit reminder. */
export const recordFiles = (stacks: string[]): string =>
  [...stacks.map((s) => `Pulumi.${s}.yaml`), LOG_FILE.split(path.sep).join("/")].join(" ");
