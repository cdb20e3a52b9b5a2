import { ops, OpsContext } from "./context";
import { LOG_FILE, Logged, readLog } from "./log";

/** The log as a Markdown table, for people who read it in a pull request or an audit. */
export function logMarkdown(log: Logged[]): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  const rows = log.map(({ line, entry: e }) => {
    const what = ((): string => {
      switch (e.action) {
        case "rotate":
          return `rotate ${e.variable} in ${e.stack}: ${e.oldKeeper} -> ${e.newKeeper}${e.previousKeeper ? ` (previous ${e.previousKeeper} valid until finalize)` : ""}${e.breakGlass ? ` [break-glass ${e.incident}]` : ""}; services ${e.impact.services.join(", ") || "none"}; ${e.impact.targets.length} platform target(s)`;
        case "rotate-started":
          return `rotation of ${e.variable} in ${e.stack} started: waiting for ${Object.keys(e.keys).join(", ")}`;
        case "finalize":
          return `finalize ${e.variable} in ${e.stack}: previous ${e.revokedKeeper} revoked${e.revokedAtIssuer ? ` (revoked at ${e.revokedAtIssuer.issuer}, confirmed)` : ""}`;
        case "applied":
          return `applied ${e.stack}: ${Object.entries(e.keepers)
            .map(([v, k]) => `${v} ${k}`)
            .join(
              ", ",
            )}${Object.keys(e.previousKeepers).length ? `; previous live: ${Object.keys(e.previousKeepers).join(", ")}` : ""}${e.run ? ` (${e.run})` : ""}`;
        case "grant-access":
          return `emergency access to ${e.secretId} in ${e.stack} for ${e.member} until ${e.expiresAt} [incident ${e.incident}]`;
        case "revoke-access":
          return `emergency access of ${e.member} to ${e.variable} in ${e.stack} removed${e.expired ? " (had expired)" : ""} [incident ${e.incident}]`;
        case "seal":
          return `sealed a new value of ${e.variable}${e.consumer ? ` for ${e.consumer}` : ""} in ${e.stack} (${e.configKey}, ciphertext ${e.ciphertext})`;
        case "verify":
          return `verify ${e.stack}: ${e.ok ? "passed" : "FAILED"} (${e.checks.filter((c) => c.ok).length}/${e.checks.length} checks)${e.confirmed ? "" : `, UNCONFIRMED deploy${e.unconfirmedReason ? `: ${e.unconfirmedReason}` : ""}`}`;
        case "freeze":
          return `deploys frozen${e.incident ? ` for ${e.incident}` : ""}`;
        case "lift-freeze":
          return `freeze lifted (frozen since ${e.frozenSince})`;
        case "break-glass":
          return `break-glass ${e.incident}: ${e.variables.join(", ")} in ${e.stacks.join(", ")}`;
        case "command":
          return `ran \`${e.command.join(" ")}\`: exit ${e.exitCode}`;
      }
    })();
    const reason = "reason" in e && e.reason ? ` — ${e.reason}` : "";
    return `| ${line} | ${e.ts} | ${cell(e.operator)} | ${cell(what + reason)} |`;
  });
  if (rows.length === 0) return "";
  return ["| line | time (UTC) | operator | event |", "|---|---|---|---|", ...rows].join("\n");
}

/** `log`: the operations log as a Markdown table, optionally only one stack's or one variable's entries. */
export async function showLog(
  ctx: OpsContext,
  opts: { stack?: string; variable?: string },
): Promise<void> {
  const o = ops(ctx);
  const rows = readLog(o.projectDir).filter(({ entry: e }) => {
    if (
      opts.stack &&
      (!("stack" in e) || e.stack !== opts.stack) &&
      !("stacks" in e && e.stacks.includes(opts.stack))
    ) {
      return false;
    }
    if (opts.variable) {
      const vars = "variable" in e ? [e.variable] : "variables" in e ? e.variables : [];
      if (!vars.includes(opts.variable)) return false;
    }
    return true;
  });
  const where = [opts.stack && `stack ${opts.stack}`, opts.variable && `variable ${opts.variable}`]
    .filter(Boolean)
    .join(", ");
  o.out(
    rows.length
      ? logMarkdown(rows)
      : `The operations log (${LOG_FILE}) has no entries${where ? ` for ${where}` : ""} yet: each runbook command (rotate, verify, finalize, ...) adds one.`,
  );
}
