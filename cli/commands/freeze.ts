import { Command } from "commander";
import { CliContext } from "../shared/context";

/** The feature behind the command, loaded only when the command runs. */
function freezeModule(): typeof import("../runbook/freeze") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: `--help` and the other commands never load it
  return require("../runbook/freeze");
}

/**
 * `freeze`, `freeze-status`, `lift-freeze`: the deploy freeze of break-glass step 1, as a committed
 * marker. CI runs `freeze-status` before `pulumi up`; `rotate` and `finalize` refuse while it exists.
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("freeze")
    .description(
      "Freeze deploys: CI and rotate refuse until lift-freeze (break-glass does this for you).",
    )
    .requiredOption("--operator <who>", "who freezes (recorded in the operations log)")
    .option("--incident <id>", "incident ID")
    .option("--reason <text>", "why")
    .action((opts: { operator: string; incident?: string; reason?: string }) =>
      freezeModule().freeze(ctx, opts),
    );

  program
    .command("freeze-status")
    .description(
      "Exit non-zero while deploys are frozen (CI runs this before pulumi up); with --incident, exit 0 only under that incident's freeze (the break-glass workflow).",
    )
    .option("--incident <id>", "succeed only while deploys are frozen for this incident")
    .action((opts: { incident?: string }) => freezeModule().freezeStatus(ctx, opts));

  program
    .command("lift-freeze")
    .description(
      "Lift the deploy freeze, record who lifted it, and remove the incident's emergency access grants.",
    )
    .requiredOption("--operator <who>", "who lifts it (recorded in the operations log)")
    .option("--reason <text>", "why it is safe now")
    .action((opts: { operator: string; reason?: string }) => freezeModule().liftFreeze(ctx, opts));
}
