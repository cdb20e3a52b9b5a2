/**
 * The entries of the operations log (`operations/log.jsonl`), one type per action. The rotation
 * state machine (`model/rotationState.ts`) reads `rotate`, `applied`, `verify` and `finalize`.
 */
import type { Impact } from "../../model";

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
  /** The keeper whose value stays valid until `finalize` (none for break-glass). */
  previousKeeper: string | null;
  /** A break-glass rotation closes an open rotation at once: the keeper it revoked. */
  revokedKeeper: string | null;
  impact: Impact;
  reason: string | null;
  breakGlass: boolean;
  incident: string | null;
  /** External secrets: the encrypted config keys that hold the new value. */
  externalKeys: string[];
  /** Break-glass on an external secret: the new value still has to be set before `pulumi up`. */
  valuePending: boolean;
  /** A Cloud SQL credential: the user slot now live (the other keeps the previous password). */
  activeUser?: string;
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

/** The end of a rotation in one stack: its previous keeper removed, so the next `pulumi up` revokes it. */
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
  /** Everything the next `pulumi up` revokes, per kind of value (users, keys, versions). */
  revoked: string[];
  /** An external value: the operator confirmed the old one was revoked at its issuer. */
  revokedAtIssuer: { issuer: string; console: string } | null;
  reason: string | null;
}

/** What a stack runs after a successful `pulumi up`, from its outputs (the workflows record it). */
export interface AppliedEntry extends Base {
  action: "applied";
  stack: string;
  /** The `rotationKeepers` output: variable -> keeper of the value the stack runs. */
  keepers: Record<string, string>;
  /** The `previousKeepers` output: the previous values still live. */
  previousKeepers: Record<string, string>;
  /** Where the outputs came from: `pulumi stack output`, or the file the workflow saved them to. */
  source: string;
  /** The CI run that applied it (a URL), or null when an operator recorded it. */
  run: string | null;
  /** The commit that was applied, when known. */
  commit: string | null;
}

/** A time-boxed break-glass read granted with `grant-access` (written to stack config). */
export interface GrantAccessEntry extends Base {
  action: "grant-access";
  stack: string;
  variable: string;
  consumer: string | null;
  secretId: string;
  member: string;
  incident: string;
  expiresAt: string;
  reason: string | null;
}

/** A new external value sealed with the stack's KMS key (`seal`): which key, never the value. */
export interface SealEntry extends Base {
  action: "seal";
  stack: string;
  variable: string;
  consumer: string | null;
  configKey: string;
  /** The KMS key that sealed it. */
  key: string;
  /** A fingerprint of the ciphertext (sha256, 16 hex digits): which one, never the value. */
  ciphertext: string;
  reason: string | null;
}

/** An emergency grant removed from stack config (`revoke-access`, or `lift-freeze`). */
export interface RevokeAccessEntry extends Base {
  action: "revoke-access";
  stack: string;
  variable: string;
  member: string;
  incident: string;
  /** It expired before it was removed. */
  expired: boolean;
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
  /** The keepers of the latest `applied` entry of the stack, or null when none was recorded. */
  deployedKeepers: Record<string, string> | null;
  /**
   * True only when the latest `applied` entry showed the stack running exactly these keepers; an
   * unconfirmed verify never moves a rotation on (it records the operator's reason instead).
   */
  confirmed: boolean;
  /** The log line of the `applied` entry that confirmed it. */
  appliedLine: number | null;
  /** `--unconfirmed-deploy "<reason>"`: why it ran without a confirmed deploy. */
  unconfirmedReason: string | null;
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
  /**
   * The follow-up commands, in order, as printed (or run with `--run`): argument vectors, with any
   * environment assignment (`PEGASUS_BREAK_GLASS=<incident>`) first, as on the printed line.
   */
  commands: string[][];
}

/** A command `break-glass --run` executed, with its exit code. */
export interface CommandEntry extends Base {
  action: "command";
  incident: string | null;
  /** The argument vector, any environment assignment first (as in `BreakGlassEntry.commands`). */
  command: string[];
  exitCode: number;
}

export type LogEntry =
  | RotateEntry
  | RotateStartedEntry
  | AppliedEntry
  | FinalizeEntry
  | VerifyEntry
  | GrantAccessEntry
  | RevokeAccessEntry
  | SealEntry
  | FreezeEntry
  | LiftFreezeEntry
  | BreakGlassEntry
  | CommandEntry;
