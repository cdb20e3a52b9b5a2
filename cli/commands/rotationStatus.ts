import { Command } from "commander";
import { CliContext } from "../shared/context";
import { ops } from "../ops/context";
import { readLog } from "../ops/log";
import { loadModel } from "../ops/stackEdit";
import { rotationStatus, statusText } from "../ops/status";
import { checkStack } from "./rotate";

/**
 * `rotation-status --stack <name>`: every secret's last rotation, age and whether it is past its
 * period (guide, baseline rule 5). `--fail-on-overdue` exits non-zero for CI when any secret is past
 * it or has no recorded rotation.
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("rotation-status")
    .description("List every secret's last rotation and age; flag those past 90 days.")
    .requiredOption("-s, --stack <name>", "stack to report on")
    .option(
      "--fail-on-overdue",
      "exit non-zero if a secret is past its period or has no recorded rotation (for CI)",
    )
    .option("--json", "print JSON instead of the table")
    .action(async (opts: { stack: string; failOnOverdue?: boolean; json?: boolean }) => {
      const o = ops(ctx);
      const stack = checkStack(opts.stack);
      const rows = rotationStatus(loadModel(o.projectDir, stack), readLog(o.projectDir), o.now());
      o.out(
        opts.json ? JSON.stringify({ stack, secrets: rows }, null, 2) : statusText(stack, rows),
      );
      if (!opts.failOnOverdue) return;
      const overdue = rows.filter((r) => r.status === "overdue").map((r) => r.variable);
      const unknown = rows.filter((r) => r.status === "unknown").map((r) => r.variable);
      if (overdue.length + unknown.length > 0) {
        const parts = [
          overdue.length ? `past their rotation period: ${overdue.join(", ")}` : "",
          unknown.length ? `no recorded rotation: ${unknown.join(", ")}` : "",
        ].filter(Boolean);
        throw new Error(
          `${stack} has secrets ${parts.join("; ")}. Rotate each through the runbook (npx pegasus-secrets rotate <VARIABLE> --stack staging --operator <you>, then production; docs/runbook.md).`,
        );
      }
    });
}
