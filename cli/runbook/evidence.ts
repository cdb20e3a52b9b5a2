/**
 * The dated evidence record of a stack (`operations/evidence/<date>-<stack>.md`): the guide's three
 * proof lines, with the prefix of the operations log they cite fixed by its digest.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { planJson } from "../plan";
import { writeFileAtomic } from "../../lib/atomicWrite";
import { ops, OpsContext, utc } from "./context";
import { LOG_FILE, readLog } from "./log";
import { ProofLine, rehearsalProof, storeProof, versionProof } from "./proofs";

/** Evidence records live beside the log: `operations/evidence/<date>-<stack>.md`. */
export const EVIDENCE_DIR = path.join("operations", "evidence");

/** `LOG_FILE` as the record cites it, with forward slashes. */
const LOG = LOG_FILE.split(path.sep).join("/");

/** The evidence record as Markdown. `logDigest` fixes the log prefix it cites, so later entries cannot change it. */
export function evidenceMarkdown(
  stack: string,
  generated: string,
  proofs: ProofLine[],
  log: { lines: number; sha256: string },
): string {
  const mark = (p: ProofLine) =>
    p.state === "met" ? "MET" : p.state === "failed" ? "FAILED" : "NO DATA";
  return [
    `# Secrets-management evidence: ${stack}, ${generated.slice(0, 10)}`,
    "",
    `Generated ${generated} by \`npx pegasus-secrets evidence --stack ${stack}\` for the launch checklist item`,
    `"Add secrets management guidance for each deploy target" (secrets-management guide, "Evidence required for checklist closure").`,
    `It cites ${LOG} lines 1-${log.lines} (sha256 ${log.sha256}); a line with no data behind it says so.`,
    "",
    ...proofs.flatMap((p) => [
      `## ${p.title} — ${mark(p)}`,
      "",
      ...p.lines.map((x) => `- ${x}`),
      "",
    ]),
  ].join("\n");
}

/** sha256 of the log's bytes as they stand. */
export function logDigest(projectDir: string): { lines: number; sha256: string } {
  const file = path.join(projectDir, LOG_FILE);
  const bytes = fs.existsSync(file) ? fs.readFileSync(file) : Buffer.alloc(0);
  const text = bytes.toString("utf8");
  return {
    lines: text === "" ? 0 : text.split("\n").length - 1,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
}

/** A new file name: `<date>-<stack>.md`, or `-2`, `-3`... so an earlier record is never overwritten. */
export function evidencePath(projectDir: string, date: string, stack: string): string {
  const dir = path.join(projectDir, EVIDENCE_DIR);
  for (let n = 1; n < 1000; n++) {
    const file = path.join(dir, `${date}-${stack}${n === 1 ? "" : `-${n}`}.md`);
    if (!fs.existsSync(file)) return file;
  }
  throw new Error(`${EVIDENCE_DIR} already holds 999 records for ${stack} on ${date}.`);
}

/**
 * `evidence --stack <name>`: writes a dated Markdown record with the guide's three proof lines
 * (Endpoint/UI, Test, Proof), from the stack's offline plan and the operations log, and prints which
 * are met.
 */
export async function writeEvidence(ctx: OpsContext, opts: { stack: string }): Promise<void> {
  const o = ops(ctx);
  const { stack } = opts;
  const log = readLog(o.projectDir);
  const digest = logDigest(o.projectDir);
  const plan = planJson(await o.evaluate({ projectDir: o.projectDir, stack }));
  const proofs = [
    storeProof(plan, o.projectDir, log),
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
}
