/** One line of `doctor`: what was checked, how it stands, and the fix. */

/**
 * `FAIL` stops a real pulumi up; `warn` does not, but is not what the README asks; `skip` was not
 * checked, and says why.
 */
export type Status = "ok" | "warn" | "FAIL" | "skip";

export interface Check {
  /** What was checked, in a word or two (`Pulumi CLI`, `RENDER_API_KEY`). */
  name: string;
  status: Status;
  /** What was found. Never a secret value or a token. */
  detail: string;
  /** The command or edit that fixes it, for `FAIL` and `warn`. */
  fix?: string;
}

/** Everything the checks may look at: given, so tests pass their own. */
export interface DoctorInput {
  projectDir: string;
  stack: string;
  /** The environment a `pulumi up` would run in (PATH, tokens, credentials). */
  env: NodeJS.ProcessEnv;
  /** The user's home folder (Pulumi's and gcloud's default config folders). */
  home: string;
  /** Ask Pulumi and the platforms whether the login and tokens are accepted (read-only calls). */
  online: boolean;
  /** Deadline of each command or request; default 15 s. */
  timeoutMs?: number;
}

export const ok = (name: string, detail: string): Check => ({ name, status: "ok", detail });
export const fail = (name: string, detail: string, fix: string): Check => ({
  name,
  status: "FAIL",
  detail,
  fix,
});
export const warn = (name: string, detail: string, fix: string): Check => ({
  name,
  status: "warn",
  detail,
  fix,
});
export const skip = (name: string, detail: string): Check => ({ name, status: "skip", detail });
