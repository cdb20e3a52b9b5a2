/**
 * The access diff as the PR comment and the CI job summary show it (Markdown, one section per stack,
 * names, identities and keepers only) or as JSON, and the `access-diff` command's result.
 */
import * as fs from "fs";
import { POLICIES, withGuide } from "../../policy/rules";
import { CliContext, output } from "../shared/context";
import { accessDiff, AccessDiffReport, hasChanges, StackDiff, violationKey } from "./accessDiff";
import { requireFolder } from "./folders";
import { passes } from "./policyCheck";

/** Marks the PR comment so CI updates it instead of adding another. */
export const COMMENT_MARKER = "<!-- pegasus-secrets:access-diff -->";
/** The words a rule change is marked with (docs/review.md). */
export const CHANGES_THE_RULES = "changes the rules";

/** Escapes a table cell: pipes split cells and newlines end rows. */
const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;

function table(headers: string[], rows: string[][]): string[] {
  return [
    `| ${headers.join(" | ")} |`,
    `|${headers.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ];
}

const roles = (rs: string[]) => rs.map(code).join(", ");

function iamRows(d: StackDiff): string[][] {
  return d.iam.map((c) => [
    c.change,
    c.variable ? code(c.variable) : "(not in the matrix)",
    c.consumer ?? "(not a runtime identity)",
    code(c.member),
    c.change === "added"
      ? roles(c.after)
      : c.change === "removed"
        ? `${roles(c.before)} (revoked)`
        : `${roles(c.before)} → ${roles(c.after)}`,
    code(c.secretId) + (c.condition ? ` (condition ${code(c.condition)})` : ""),
    c.breaks.length === 0
      ? c.change === "removed"
        ? ""
        : "✅ none"
      : c.breaks.map((b) => `❌ ${code(b.policy)} (guide: "${b.guide}")`).join("; "),
  ]);
}

function stackMarkdown(d: StackDiff): string[] {
  const out: string[] = [`### Stack \`${d.stack}\``, ""];
  if (d.head.status === "failed") {
    out.push(
      "❌ **This change does not evaluate**, so nothing can be deployed and no policy could run:",
      "",
      "```",
      d.head.reason ?? "",
      "```",
      "",
    );
    return out;
  }
  if (d.head.status === "absent")
    out.push("This change removes the stack file: everything below is revoked.", "");
  if (d.base.status === "absent") out.push("New stack: everything below is added.", "");
  if (d.base.status === "failed") {
    out.push(
      "⚠️ **The base could not be evaluated**, so there is nothing to compare with. Every grant of this change is listed as added.",
      "",
      "```",
      d.base.reason ?? "",
      "```",
      "",
    );
  }
  const section = (title: string, lines: string[]) => {
    if (lines.length > 2) out.push(`**${title}**`, "", ...lines, "");
  };
  section(
    "IAM changes on secrets (every role)",
    table(["Change", "Variable", "Consumer", "Member", "Roles", "Secret", "Breaks"], iamRows(d)),
  );
  section(
    "Emergency grants (break-glass)",
    table(
      ["Change", "Member", "Variable", "Secret ID", "Incident", "Expires (UTC)"],
      d.emergency.map((g) => [
        g.change,
        code(g.member),
        g.variable ? code(g.variable) : "?",
        code(g.secretId),
        g.incident,
        g.expiresAt,
      ]),
    ),
  );
  const deliveryHeaders = ["Variable", "Consumer", "Kind", "Platform", "Destination"];
  const deliveryRows = (ds: StackDiff["deliveries"]["added"]) =>
    ds.map((x) => [code(x.variable), x.consumer, x.kind, x.target, x.destination]);
  section("Delivered to platforms (new)", table(deliveryHeaders, deliveryRows(d.deliveries.added)));
  section("No longer delivered", table(deliveryHeaders, deliveryRows(d.deliveries.removed)));
  const secretRows = (ss: StackDiff["secrets"]["added"]) =>
    ss.map((s) => [
      s.variable ? code(s.variable) : "(not in the matrix)",
      s.scope,
      code(s.secretId),
    ]);
  section("Secrets added", table(["Variable", "Scope", "Secret ID"], secretRows(d.secrets.added)));
  section(
    "Secrets removed",
    table(["Variable", "Scope", "Secret ID"], secretRows(d.secrets.removed)),
  );
  section(
    "Rotations (new values)",
    table(
      ["Variable", "Keeper"],
      d.rotations.map((r) => [code(r.variable), `${code(r.from)} → ${code(r.to)}`]),
    ),
  );
  section(
    "Overlap windows",
    table(
      ["Variable", "Change"],
      d.overlaps.map((o) => [
        code(o.variable),
        o.change === "opened"
          ? `previous value (${code(o.previousKeeper)}) stays valid until finalize`
          : `previous value (${code(o.previousKeeper)}) revoked`,
      ]),
    ),
  );
  if (d.compared && !hasChanges(d)) out.push("No access changes.", "");

  if ("problem" in d.rotation) {
    out.push(
      `**Overdue secrets:** unknown, the rotation status could not be computed (${d.rotation.problem}).`,
      "",
    );
  } else {
    if (d.rotation.overdue.length === 0) out.push("**Overdue secrets:** none.", "");
    section(
      "Overdue secrets (past their rotation period)",
      table(
        ["Variable", "Last rotation (UTC)", "Age", "Limit"],
        d.rotation.overdue.map((o) => [
          code(o.variable),
          o.lastRotation,
          `${o.ageDays} d`,
          `${o.periodDays} d`,
        ]),
      ),
    );
    if (d.rotation.unrecorded > 0) {
      out.push(
        `${d.rotation.unrecorded} secret(s) have no recorded rotation in operations/log.jsonl: their age is unknown (npx pegasus-secrets rotation-status --stack ${d.stack}).`,
        "",
      );
    }
  }

  const p = d.policy;
  if (p.violations.length === 0) {
    out.push(`**Policy:** ✅ passes all ${p.policies} policies.`, "");
  } else {
    const pre = new Set(d.preexisting);
    out.push(
      `**Policy:** ${passes(p) ? "⚠️ passes with advisories" : "❌ fails"} (${p.violations.length} violation(s)):`,
      "",
      ...table(
        ["Policy", "Level", "Resource", "Finding", ""],
        p.violations.map((v) => [
          code(v.policy),
          v.enforcementLevel,
          v.resource ? code(v.resource) : "stack",
          withGuide(v),
          pre.has(violationKey(v)) ? "already on base" : "new",
        ]),
      ),
      "",
    );
  }
  return out;
}

/** The PR comment (and job summary): Markdown, one section per stack, marked for updating in place. */
export function renderMarkdown(report: AccessDiffReport): string {
  const failing = report.stacks.filter((d) => !passes(d.policy)).map((d) => `\`${d.stack}\``);
  const commit = report.base.commit ? ` (\`${report.base.commit.slice(0, 12)}\`)` : "";
  const out: string[] = [
    COMMENT_MARKER,
    "## Secrets access diff",
    "",
    `Base \`${report.base.ref}\`${commit} → this change. Both sides recorded offline and judged by the rules of the CLI that ran this report (in CI: the base commit's policy, matrix, recorder and lint); values are never shown.`,
    "",
  ];
  if (report.ruleChanges.length > 0) {
    out.push(
      `🛡️ **This change ${CHANGES_THE_RULES}**: it edits what judges changes, so it needs an owner's review (.github/CODEOWNERS), and its rules take effect only once merged. This report judged it by the base's rules.`,
      "",
      ...report.ruleChanges.map((f) => `- \`${f}\``),
      "",
    );
  }
  out.push(
    report.passed
      ? `**Result:** ✅ no mandatory policy violation (${POLICIES.length} policies).`
      : `**Result:** ❌ the check fails for ${failing.join(", ")}.`,
    "",
  );
  for (const d of report.stacks) out.push(...stackMarkdown(d));
  out.push(
    "<sub>How to read this: docs/review.md. Produced by `pegasus-secrets access-diff`; the rules are in policy/ and the ownership matrix in policy/matrix.ts.</sub>",
  );
  return out.join("\n");
}

/** The options of `access-diff`, as the command line gives them. */
export interface ShowAccessDiffOptions {
  base?: string;
  baseProject?: string;
  project?: string;
  stack?: string[];
  json?: boolean;
  output?: string;
}

/**
 * `access-diff`: prints the report (Markdown for the PR comment, or JSON), also to `output` when
 * given, and fails when a stack does not evaluate or breaks a mandatory policy.
 */
export async function showAccessDiff(ctx: CliContext, opts: ShowAccessDiffOptions): Promise<void> {
  if (opts.project) requireFolder(opts.project, "the change's project folder (--project)");
  if (opts.baseProject)
    requireFolder(opts.baseProject, "the base's project folder (--base-project)");
  const report = await accessDiff({
    projectDir: opts.project ?? ctx.projectDir,
    base: opts.base,
    baseProject: opts.baseProject,
    stacks: opts.stack,
  });
  const text = opts.json ? JSON.stringify(report, null, 2) : renderMarkdown(report);
  if (opts.output) fs.writeFileSync(opts.output, `${text}\n`);
  output(ctx)(text);
  if (!report.passed) {
    const failing = report.stacks.filter((d) => !passes(d.policy)).map((d) => `"${d.stack}"`);
    throw new Error(`the access diff check fails for ${failing.join(", ")}: see the report above.`);
  }
}
