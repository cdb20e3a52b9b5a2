import * as path from "path";
import { Command } from "commander";
import type { ShowAccessDiffOptions } from "../review/accessDiffReport";
import { CliContext } from "../shared/context";

/** The feature behind the command, loaded only when the command runs. */
function accessDiffReportModule(): typeof import("../review/accessDiffReport") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: `--help` and the other commands never load it
  return require("../review/accessDiffReport");
}

/** `access-diff`: what a PR changes in who can read which secret, and whether it breaks the policy. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("access-diff")
    .description(
      "Record the base revision and the change offline and compare them: every IAM change on a secret whatever the role, break-glass grants, deliveries, secrets, rotations, overdue secrets, the files that change the rules, and the policy result (Markdown for the PR comment). This CLI's recorder and rules judge both sides. Exits 1 when a stack does not evaluate or breaks a mandatory policy.",
    )
    .option("--base <git-ref>", "base revision as a git ref, e.g. origin/main")
    .option(
      "--base-project <dir>",
      "base revision as a checked-out project folder (CI: the base commit's tree)",
    )
    .option(
      "--project <dir>",
      "the change's project folder (default: this project); CI: the pull request's tree",
    )
    // Not the shared stack option: a stack the change adds or removes exists on one side only, so
    // the command checks the names against both revisions once the base is there.
    .option(
      "-s, --stack <name...>",
      "stacks to compare (default: every Pulumi.<stack>.yaml on either side)",
    )
    .option("--json", "print one JSON object instead of Markdown")
    .option(
      "-o, --output <file>",
      "also write the output to this file (the CI job summary and PR comment read it)",
    )
    .action((opts: ShowAccessDiffOptions) =>
      accessDiffReportModule().showAccessDiff(ctx, {
        ...opts,
        project: opts.project && path.resolve(opts.project),
        baseProject: opts.baseProject && path.resolve(opts.baseProject),
      }),
    );
}
