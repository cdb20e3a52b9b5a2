// Keeps ONE open issue listing the secrets past their rotation period or due within 14 days, in every
// stack, from `npx pegasus-secrets rotation-status --stack <s> --json` (its version-1 form): opened
// when the first one appears, updated while any remain, closed with a comment when none are left.
// Called from actions/github-script in rotation-reminders.yml. It reads only the status files; no
// cloud credential is involved.
"use strict";
const fs = require("fs");

/** Marks the issue this script owns; a person quoting it in another issue is ignored (author check). */
const MARKER = "<!-- pegasus-secrets:rotation-reminder -->";
const LABEL = "secret-rotation";
const BOT = "github-actions[bot]";
const TITLE = "Secrets due for rotation";

/** Reads the status files, refusing any that is not `rotation-status --json` version 1. */
function readStatuses(files) {
  return files.map((file) => {
    const s = JSON.parse(fs.readFileSync(file, "utf8"));
    if (s.version !== 1 || typeof s.stack !== "string" || !Array.isArray(s.secrets)) {
      throw new Error(
        `${file} is not the output of rotation-status --json (version 1): regenerate it with npx pegasus-secrets rotation-status --stack <name> --json.`,
      );
    }
    return s;
  });
}

const row = (stack, s) => {
  const when =
    s.status === "overdue"
      ? `**overdue by ${-s.dueInDays} days**`
      : `due in ${s.dueInDays} day${s.dueInDays === 1 ? "" : "s"}`;
  return `| ${stack} | \`${s.variable}\`${s.followers.length ? ` (+${s.followers.join(", ")})` : ""} | ${s.keeper} | ${s.lastRotation ?? "—"} | ${s.ageDays ?? "?"} / ${s.periodDays} days | ${when} |`;
};

/** The issue body, or null when nothing is overdue or due soon in any stack. */
function issueBody(statuses) {
  const due = statuses.flatMap((st) =>
    st.secrets
      .filter((s) => s.status === "overdue" || s.status === "due-soon")
      .sort((a, b) => a.dueInDays - b.dueInDays)
      .map((s) => row(st.stack, s)),
  );
  if (due.length === 0) return null;
  const unrecorded = statuses
    .filter((st) => (st.unrecorded || []).length > 0)
    .map((st) => `${st.stack}: ${st.unrecorded.join(", ")}`);
  const generated = statuses.map((st) => st.generatedAt).sort()[0];
  return [
    MARKER,
    `Secrets past their rotation period (at most 90 days, secrets-management guide) or due within ${statuses[0].dueSoonDays} days, as of ${generated}.`,
    "",
    "| stack | variable | keeper | last rotation (UTC) | age / limit | status |",
    "|---|---|---|---|---|---|",
    ...due,
    "",
    "Rotate each through the runbook (docs/runbook.md): `npx pegasus-secrets rotate <VARIABLE> --stack staging --operator <you>`, then production, then `finalize`. This issue is updated every week and closed when nothing is left.",
    ...(unrecorded.length
      ? [
          "",
          `Not dated yet (no record in operations/log.jsonl; the first \`applied\` entry of the stack starts their clock): ${unrecorded.join("; ")}.`,
        ]
      : []),
  ].join("\n");
}

/** Opens, updates or closes the one reminder issue; returns "opened", "updated", "closed" or "none". */
async function sync({ github, context, statuses }) {
  const { owner, repo } = context.repo;
  const open = await github.paginate(github.rest.issues.listForRepo, {
    owner,
    repo,
    state: "open",
    labels: LABEL,
    per_page: 100,
  });
  const ours = open.find(
    (i) => !i.pull_request && i.user && i.user.login === BOT && (i.body || "").includes(MARKER),
  );
  const body = issueBody(statuses);
  if (body === null) {
    if (!ours) return "none";
    await github.rest.issues.createComment({
      owner,
      repo,
      issue_number: ours.number,
      body: "No secret is overdue or due within the reminder window any more: closing.",
    });
    await github.rest.issues.update({ owner, repo, issue_number: ours.number, state: "closed" });
    return "closed";
  }
  if (ours) {
    await github.rest.issues.update({ owner, repo, issue_number: ours.number, body });
    return "updated";
  }
  await github.rest.issues.create({ owner, repo, title: TITLE, body, labels: [LABEL] });
  return "opened";
}

/** Entry point for the workflow step. */
async function run({ github, context, core, files }) {
  const result = await sync({ github, context, statuses: readStatuses(files) });
  core.info(`Rotation reminder issue: ${result}.`);
  return result;
}

module.exports = { MARKER, LABEL, TITLE, issueBody, readStatuses, sync, run };
