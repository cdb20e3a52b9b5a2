import * as fs from "fs";
import { Command } from "commander";
import { AccessDiffReport, diffStack, renderMarkdown } from "../accessDiff";
import { CliContext, print } from "../shared/context";
import { checkoutRevision, limited, PlanOutcome, runPlan } from "../plan";
import { stacksIn } from "../shared/stacks";
import { passes, policyResult } from "../policyCheck";
import { managesAuditConfig } from "./policyCheck";

/** Options of {@link accessDiff}. */
export interface AccessDiffOptions {
  /** The working tree: the project folder of the change under review. */
  projectDir: string;
  /** Git ref of the base revision (`origin/main`, a commit). */
  base: string;
  /** Stacks to compare; default every `Pulumi.<stack>.yaml` on either side. */
  stacks?: string[];
}

/**
 * Evaluates every stack at the base revision and in the working tree, each in its own process with
 * that revision's own code, and compares them. The base is written to a temporary folder with
 * `git archive` and removed afterwards, whatever happens.
 */
export async function accessDiff(opts: AccessDiffOptions): Promise<AccessDiffReport> {
  const base = await checkoutRevision(opts.projectDir, opts.base);
  try {
    const stacks = opts.stacks ?? stacksIn(opts.projectDir, base.projectDir);
    if (stacks.length === 0) {
      throw new Error(
        `No Pulumi.<stack>.yaml in ${opts.projectDir} or at ${opts.base}: nothing to compare.`,
      );
    }
    const tasks: (() => Promise<PlanOutcome>)[] = [];
    for (const s of stacks) {
      tasks.push(
        () => runPlan(base.projectDir, s),
        () => runPlan(opts.projectDir, s),
      );
    }
    const outcomes = await limited(tasks);
    const diffs = stacks.map((s, i) => {
      const [b, h] = [outcomes[2 * i], outcomes[2 * i + 1]];
      const policy = policyResult(s, h, managesAuditConfig(opts.projectDir, s));
      return diffStack(s, b, h, policy, managesAuditConfig(base.projectDir, s));
    });
    return {
      base: { ref: opts.base, commit: base.commit },
      stacks: diffs,
      passed: diffs.every((d) => passes(d.policy)),
    };
  } finally {
    base.remove();
  }
}

/** `access-diff`: what a PR changes in who can read which secret, and whether it breaks the policy. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("access-diff")
    .description(
      "Compare the offline plans of the base revision and the working tree: grants and deliveries added and removed, secrets added and removed, rotations, and the policy result (Markdown for the PR comment). Exits 1 when a stack does not evaluate or breaks a mandatory policy.",
    )
    .requiredOption("--base <git-ref>", "base revision, e.g. origin/main")
    .option(
      "-s, --stack <name...>",
      "stacks to compare (default: every Pulumi.<stack>.yaml on either side)",
    )
    .option("--json", "print one JSON object instead of Markdown")
    .option(
      "-o, --output <file>",
      "also write the output to this file (the CI job summary and PR comment read it)",
    )
    .action(async (opts: { base: string; stack?: string[]; json?: boolean; output?: string }) => {
      const report = await accessDiff({
        projectDir: ctx.projectDir,
        base: opts.base,
        stacks: opts.stack,
      });
      const text = opts.json ? JSON.stringify(report, null, 2) : renderMarkdown(report);
      if (opts.output) fs.writeFileSync(opts.output, `${text}\n`);
      print(text);
      if (!report.passed) {
        const failing = report.stacks.filter((d) => !passes(d.policy)).map((d) => `"${d.stack}"`);
        throw new Error(
          `the access diff check fails for ${failing.join(", ")}: see the report above.`,
        );
      }
    });
}
