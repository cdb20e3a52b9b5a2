/**
 * The access diff as the PR comment and the CI job summary show it (Markdown, one section per stack,
 * names, identities and keepers only) or as JSON, and the `access-diff` command's result.
 */
import * as fs from "fs";
import { POLICIES } from "../../policy/rules";
import { CliContext, output } from "../shared/context";
import {
  accessDiff,
  AccessDiffReport,
  Delivery,
  Grant,
  hasChanges,
  SecretRow,
  StackDiff,
  violationKey,
} from "./accessDiff";
import { passes } from "./policyCheck";

/** Marks the PR comment so CI updates it instead of adding another. */
export const COMMENT_MARKER = "<!-- pegasus-secrets:access-diff -->";

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

const grantRows = (gs: Grant[]) =>
  gs.map((g) => [code(g.variable), g.consumer, code(g.member), code(g.secretId)]);
const deliveryRows = (ds: Delivery[]) =>
  ds.map((d) => [code(d.variable), d.consumer, d.target, d.destination]);
const secretRows = (ss: SecretRow[]) =>
  ss.map((s) => [code(s.variable), s.scope, code(s.secretId), s.source, s.consumers.join(", ")]);

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
      "⚠️ **The base could not be evaluated**, so there is nothing to compare with. The grants of this change are listed as they are.",
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
  const grantHeaders = ["Variable", "Consumer", "Identity", "Secret ID"];
  if (d.compared) {
    section(
      "Access granted (roles/secretmanager.secretAccessor)",
      table(grantHeaders, grantRows(d.grants.added)),
    );
    section("Access revoked", table(grantHeaders, grantRows(d.grants.removed)));
  } else {
    section("Access grants of this change", table(grantHeaders, grantRows(d.grants.added)));
  }
  if (d.deliveries) {
    const headers = ["Variable", "Consumer", "Platform", "Destination"];
    section(
      d.compared ? "Delivered to platforms (new)" : "Platform deliveries of this change",
      table(headers, deliveryRows(d.deliveries.added)),
    );
    section("No longer delivered", table(headers, deliveryRows(d.deliveries.removed)));
  }
  const secretHeaders = ["Variable", "Scope", "Secret ID", "Source", "Consumers"];
  section("Secrets added", table(secretHeaders, secretRows(d.secrets.added)));
  section("Secrets removed", table(secretHeaders, secretRows(d.secrets.removed)));
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

  const p = d.policy;
  if (p.violations.length === 0) {
    out.push(`**Policy:** ✅ passes all ${p.policies} policies.`, "");
  } else {
    const pre = new Set(d.preexisting);
    out.push(
      `**Policy:** ${passes(p) ? "⚠️ passes with advisories" : "❌ fails"} (${p.violations.length} violation(s)):`,
      "",
    );
    out.push(
      ...table(
        ["Policy", "Level", "Resource", "Finding", ""],
        p.violations.map((v) => [
          code(v.policy),
          v.enforcementLevel,
          v.resource ? code(v.resource) : "stack",
          v.message,
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
  const out: string[] = [
    COMMENT_MARKER,
    "## Secrets access diff",
    "",
    `Base \`${report.base.ref}\` (\`${report.base.commit.slice(0, 12)}\`) → this change. Offline plans of each stack (no credentials); values are never shown.`,
    "",
    report.passed
      ? `**Result:** ✅ no mandatory policy violation (${POLICIES.length} policies).`
      : `**Result:** ❌ the check fails for ${failing.join(", ")}.`,
    "",
  ];
  for (const d of report.stacks) out.push(...stackMarkdown(d));
  out.push(
    "<sub>How to read this: docs/review.md. Produced by `npx pegasus-secrets access-diff`; policy rules in policy/rules.ts.</sub>",
  );
  return out.join("\n");
}

/**
 * `access-diff`: prints the report (Markdown for the PR comment, or JSON), also to `output` when
 * given, and fails when a stack does not evaluate or breaks a mandatory policy.
 */
export async function showAccessDiff(
  ctx: CliContext,
  opts: { base: string; stack?: string[]; json?: boolean; output?: string },
): Promise<void> {
  const report = await accessDiff({
    projectDir: ctx.projectDir,
    base: opts.base,
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
