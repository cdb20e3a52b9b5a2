import * as path from "path";
import { SecretEntry } from "../../catalog";
import {
  configSetCommands,
  externalKeysOf,
  impactOf,
  INITIAL_KEEPER,
  Model,
  nextKeeper,
  previousKeepers,
  resolveSecret,
  rotationKeepers,
} from "../../model";
import { utc } from "./context";
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
  if (catalog.overlap && openPrevious && !req.breakGlass) {
    throw new Error(
      `Refusing to rotate ${variable} in ${stack}: its overlap window is still open (the previous value, keeper ${openPrevious}, is still valid). ` +
        `Finalize it first: npx pegasus-secrets finalize ${variable} --stack ${stack} --operator ${operator}.`,
    );
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
    const commands = configSetCommands(model, variable, stack);
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
  if (catalog.overlap) {
    if (req.breakGlass) {
      // After a leak the old value must stop working now: no overlap window, and an open one closes.
      if (openPrevious) file.deleteKeeper("previousKeepers", variable);
      revokedKeeper = openPrevious ?? null;
    } else {
      file.setKeeper("previousKeepers", variable, oldKeeper);
      previousKeeper = oldKeeper;
    }
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
    ? `   (applies to ${r.order.join(", then ")}, one at a time, each behind its /health/ready gate)`
    : "   (no `rollout` config: every service receives the change at once; see docs/runbook.md)";
}

/** The ordered next steps after a rotation, as commands. */
export function nextSteps(entry: RotateEntry, model: Model, overlap: boolean): string[] {
  const { stack, variable, operator } = entry;
  const verify = `npx pegasus-secrets verify --stack ${stack} --operator ${operator}`;
  const steps: string[] = [];
  if (entry.valuePending) {
    steps.push(
      ...configSetCommands(model, variable, stack).map(
        (c) => `${c}   (the new value, before pulumi up)`,
      ),
    );
  }
  steps.push(`pulumi up --stack ${stack}${rolloutNote(model)}`, verify);
  if (overlap && entry.previousKeeper) {
    steps.push(
      `npx pegasus-secrets finalize ${variable} --stack ${stack} --operator ${operator}   (revokes keeper ${entry.previousKeeper} once verify passes)`,
      `pulumi up --stack ${stack}`,
      verify,
    );
  }
  if (stack === "staging" && !entry.breakGlass) {
    steps.push(`npx pegasus-secrets rotate ${variable} --stack production --operator ${operator}`);
  }
  return steps;
}

/** `Pulumi.staging.yaml` and the log, named relative to the project, for the commit reminder. */
export const recordFiles = (stacks: string[]): string =>
  [...stacks.map((s) => `Pulumi.${s}.yaml`), LOG_FILE.split(path.sep).join("/")].join(" ");
