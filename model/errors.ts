/** One thing wrong with the catalog or a stack's config: where, what, and how to fix it. */
export interface Issue {
  /** The config key (`pegasus-secrets:rotations.FOO`) or catalog location (`catalog[OPENAI_API_KEY].consumers`). */
  key: string;
  /** What is wrong. Never contains a secret value. */
  problem: string;
  /** How to fix it, preferably as a command to run. */
  fix: string;
}

export const formatIssue = (i: Issue): string => `\`${i.key}\`: ${i.problem} Fix: ${i.fix}`;

/**
 * Invalid catalog or stack config. Thrown before any resource is declared, so nothing is half-applied.
 * The message lists every issue, one per line, so one run shows everything to fix.
 */
export class ConfigError extends Error {
  constructor(
    public readonly context: string,
    public readonly issues: Issue[],
  ) {
    super(`${context}:\n${issues.map((i) => `  - ${formatIssue(i)}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Collects issues and throws them together. */
export class IssueList {
  readonly issues: Issue[] = [];
  add(key: string, problem: string, fix: string): void {
    this.issues.push({ key, problem, fix });
  }
  throwIfAny(context: string): void {
    if (this.issues.length > 0) throw new ConfigError(context, this.issues);
  }
}
