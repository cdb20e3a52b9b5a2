import { Command } from "commander";
import * as fs from "fs";
import * as path from "path";
import { writeFileAtomic } from "../shared/atomicWrite";
import { CliContext } from "../shared/context";
import { ops, utc } from "../ops/context";
import {
  evidenceMarkdown,
  evidencePath,
  logDigest,
  rehearsalProof,
  storeProof,
  versionProof,
} from "../ops/evidence";
import { readLog } from "../ops/log";
import { planJson } from "../plan";
import { checkStack } from "./rotate";

/**
 * `evidence --stack <name>`: writes a dated Markdown record with the guide's three proof lines
 * (Endpoint/UI, Test, Proof), from the stack's offline plan and the operations log. A proof line
 * with nothing behind it says "no data" and which command produces the data; it never claims.
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("evidence")
    .description(
      "Write operations/evidence/<date>-<stack>.md with the guide's three proof lines (from the plan and the operations log).",
    )
    .requiredOption(
      "-s, --stack <name>",
      "stack the record is for (the rehearsal line always reads staging)",
    )
    .action(async (opts: { stack: string }) => {
      const o = ops(ctx);
      const stack = checkStack(opts.stack);
      const log = readLog(o.projectDir);
      const digest = logDigest(o.projectDir);
      const plan = planJson(await o.evaluate({ projectDir: o.projectDir, stack }));
      const proofs = [
        storeProof(plan, o.projectDir),
        rehearsalProof(log),
        versionProof(log, stack),
      ];
      const now = utc(o.now());
      const file = evidencePath(o.projectDir, now.slice(0, 10), stack);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // Never over an earlier record: `evidencePath` picks a new name, and the write refuses one that exists.
      writeFileAtomic(file, evidenceMarkdown(stack, now, proofs, digest), { exclusive: true });
      const rel = path.relative(o.projectDir, file).split(path.sep).join("/");
      o.out(
        [
          `Wrote ${rel}:`,
          ...proofs.map(
            (p) =>
              `  ${p.state === "met" ? "MET    " : p.state === "failed" ? "FAILED " : "NO DATA"}  ${p.title}`,
          ),
          proofs.every((p) => p.state === "met")
            ? "All three proof lines are met. Commit the record."
            : "Not every proof line is met: the record says what is missing and which command produces it.",
        ].join("\n"),
      );
    });
}
