import { spawnSync } from "child_process";
import * as path from "path";
import type { EvaluateOptions, Evaluation } from "../plan";
import { CliContext, output } from "../shared/context";
import { gcloudKmsEncrypt, readSecretInput } from "./secretInput";

/** Runs one command of a printed runbook step (`pulumi up`, a restart, `verify`) and returns its exit code. */
export type Executor = (
  command: string[],
  opts: { cwd: string; env?: Record<string, string> },
) => Promise<number> | number;

/**
 * Runs a command quietly (a prerequisite check, `pulumi stack output`) and returns its status and
 * output; status null when it cannot start.
 */
export type Probe = (
  command: string[],
  opts: { cwd: string },
) => { status: number | null; stdout: string; stderr?: string };

/**
 * What the runbook commands need beyond {@link CliContext}. Every field is optional so `main.ts`
 * can pass the plain CLI context; tests pass a fixed clock, a recording executor and a captured output.
 */
export interface OpsContext extends CliContext {
  /** The clock: every log entry, keeper and age comes from it. */
  now?: () => Date;
  /** Runs commands for `break-glass --run`. Default: spawn without a shell, inheriting the terminal. */
  exec?: Executor;
  /** The offline evaluation (`evidence` reads the plan). Default: the plan engine on the project. */
  evaluate?: (opts: EvaluateOptions) => Promise<Evaluation>;
  /** Environment for `${env:NAME}` references in smoke headers. Default: `process.env`. */
  env?: Record<string, string | undefined>;
  /** Runs a quiet command (`pulumi version`, `git status`, `pulumi stack output`). Default: spawn without a shell. */
  probe?: Probe;
  /** Reads a secret value the operator types or pipes in (`seal`). Default: standard input, unechoed on a terminal. */
  readSecret?: (prompt: string) => Promise<string>;
  /** Encrypts with a Cloud KMS key (`seal`). Default: `gcloud kms encrypt`, the value on its standard input. */
  kmsEncrypt?: (key: string, plaintext: Buffer) => Promise<Buffer>;
}

/** Spawns a command quietly; a command that cannot start has status null. */
export const spawnProbe: Probe = (command, opts) => {
  const r = spawnSync(command[0], command.slice(1), {
    cwd: opts.cwd,
    encoding: "utf8",
    timeout: 60_000,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return { status: r.error ? null : r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
};

/** Spawns a command without a shell (no quoting surprises), inheriting stdin/stdout/stderr. */
export const spawnExecutor: Executor = (command, opts) => {
  const r = spawnSync(command[0], command.slice(1), {
    cwd: opts.cwd,
    stdio: "inherit",
    env: opts.env ? { ...process.env, ...opts.env } : process.env,
  });
  if (r.error) {
    process.stderr.write(`could not run ${command[0]}: ${r.error.message}\n`);
    return 127;
  }
  return r.status ?? 1;
};

/** The context with every default filled in. */
export interface Ops {
  projectDir: string;
  now: () => Date;
  exec: Executor;
  probe: Probe;
  out: (text: string) => void;
  evaluate: (opts: EvaluateOptions) => Promise<Evaluation>;
  env: Record<string, string | undefined>;
  readSecret: (prompt: string) => Promise<string>;
  kmsEncrypt: (key: string, plaintext: Buffer) => Promise<Buffer>;
}

export const ops = (ctx: CliContext): Ops => {
  const c = ctx as OpsContext;
  return {
    projectDir: path.resolve(c.projectDir),
    now: c.now ?? (() => new Date()),
    exec: c.exec ?? spawnExecutor,
    probe: c.probe ?? spawnProbe,
    out: output(c),
    // Loaded on first use: only `evidence` needs the Pulumi SDK, and the rest of the runbook should not wait for it.
    evaluate:
      c.evaluate ??
      ((o) =>
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only evidence needs the SDK
        (require("../plan") as typeof import("../plan")).evaluate(o)),
    env: c.env ?? process.env,
    readSecret: c.readSecret ?? readSecretInput,
    kmsEncrypt: c.kmsEncrypt ?? gcloudKmsEncrypt,
  };
};

/** `--operator`: who ran the step, as the guide's operations log records it. */
export const OPERATOR_RE = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$/;

/** Checks `--operator`; the message says what a valid one looks like. */
export function checkOperator(operator: string | undefined): string {
  if (!operator || !OPERATOR_RE.test(operator)) {
    throw new Error(
      `--operator "${operator ?? ""}" is not valid: give your user name or email (letters, digits, . _ @ + -, at most 64 characters), e.g. --operator alice.`,
    );
  }
  return operator;
}

/** Checks a free-text field (`--reason`): one line, bounded, so the log stays one entry per line. */
export function checkText(flag: string, text: string | undefined, max = 500): string | null {
  if (text === undefined) return null;
  const t = text.trim();
  if (t === "" || t.length > max || /[\r\n]/.test(t)) {
    throw new Error(`${flag} must be one line of 1 to ${max} characters.`);
  }
  return t;
}

/** Incident IDs name a file under operations/incidents/, so they are restricted. */
export const INCIDENT_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkIncident(incident: string | undefined): string {
  if (!incident || !INCIDENT_RE.test(incident) || incident.includes("..")) {
    throw new Error(
      `--incident "${incident ?? ""}" is not valid: use your incident tracker's ID (letters, digits, . _ -, at most 64 characters), e.g. --incident INC-2041.`,
    );
  }
  return incident;
}

/** ISO-8601 UTC with seconds, as every record shows time. */
export const utc = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, "Z");
