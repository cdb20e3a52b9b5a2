import { Command } from "commander";
import { showAccessDiff } from "../review/accessDiffReport";
import { CliContext } from "../shared/context";

/** `access-diff`: what a PR changes in who can read which secret, and whether it breaks the policy. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("access-diff")
    .description(
      "Compare the offline plans of the base revision and the working tree: grants and deliveries added and removed, secrets added and removed, rotations, and the policy result (Markdown for the PR comment). Exits 1 when a stack does not evaluate or breaks a mandatory policy.",
    )
    .requiredOption("--base <git-ref>", "base revision, e.g. origin/main")
    // Not the shared stack option: a stack the change adds or removes exists on one side only, so
    // the command checks the names against both revisions once the base is checked out.
    .option(
      "-s, --stack <name...>",
      "stacks to compare (default: every Pulumi.<stack>.yaml on either side)",
    )
    .option("--json", "print one JSON object instead of Markdown")
    .option(
      "-o, --output <file>",
      "also write the output to this file (the CI job summary and PR comment read it)",
    )
    .action((opts: { base: string; stack?: string[]; json?: boolean; output?: string }) =>
      showAccessDiff(ctx, opts),
    );
}
