import * as path from "path";
import { Command } from "commander";
import { CliContext } from "../shared/context";
import { stackOption } from "../shared/stacks";

/** The feature behind the command, loaded only when the command runs. */
function policyCheckModule(): typeof import("../review/policyCheck") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: `--help` and the other commands never load it
  return require("../review/policyCheck");
}

/** `policy-check`: the policy pack's rules on the offline plan, with no credentials (fork PRs). */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("policy-check")
    .description(
      "Record each stack offline and run this CLI's rules on it: the policy pack's rules (the same `pulumi preview --policy-pack policy` runs) plus what only the offline recording shows (where each secret value comes from, the catalog and the local env against the ownership matrix). Exits 1 on a mandatory violation or a stack that does not evaluate.",
    )
    .addOption(
      stackOption(ctx, "stacks to check (default: every Pulumi.<stack>.yaml)", { variadic: true }),
    )
    .option(
      "--project <dir>",
      "judge the project in <dir> with this CLI's rules (CI: the base commit's CLI judges the pull request's tree)",
    )
    .option("--json", "print one JSON object")
    .action((opts: { stack?: string[]; json?: boolean; project?: string }) =>
      policyCheckModule().showPolicyCheck(ctx, {
        ...opts,
        project: opts.project && path.resolve(opts.project),
      }),
    );
}
