// Posts the access diff as ONE comment per pull request: the comment carrying the marker, written by
// the workflow's bot, is updated in place; another is created only when none exists. Called from
// actions/github-script in pull_request.yml (same-repository PRs) and pr-comment.yml (fork PRs).
// It only reads the Markdown file; it never runs code from the pull request.
"use strict";
const fs = require("fs");

/** Must equal COMMENT_MARKER in cli/review/accessDiffReport.ts (test/github/workflows.spec.ts checks it). */
const MARKER = "<!-- pegasus-secrets:access-diff -->";
/** GitHub refuses comment bodies over 65 536 characters. */
const LIMIT = 65000;
const BOT = "github-actions[bot]";

/** The comment body from the access-diff Markdown: marked, and cut to GitHub's limit with a note. */
function commentBody(markdown) {
  let body = markdown.includes(MARKER) ? markdown : `${MARKER}\n${markdown}`;
  if (body.length > LIMIT) {
    body = `${body.slice(0, LIMIT - 200)}\n\n… truncated: the full access diff is in the job summary of the pull request's workflow run.`;
  }
  return body;
}

/** Creates or updates the marked comment on `prNumber`; returns "created" or "updated". */
async function upsert({ github, context, prNumber, markdown }) {
  const { owner, repo } = context.repo;
  const body = commentBody(markdown);
  const comments = await github.paginate(github.rest.issues.listComments, {
    owner,
    repo,
    issue_number: prNumber,
    per_page: 100,
  });
  // Only our own comment: a person quoting the marker must not have their comment overwritten.
  const ours = comments.find(
    (c) => c.user && c.user.login === BOT && (c.body || "").includes(MARKER),
  );
  if (ours) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: ours.id, body });
    return "updated";
  }
  await github.rest.issues.createComment({ owner, repo, issue_number: prNumber, body });
  return "created";
}

/**
 * The open pull request a `workflow_run` event belongs to. For fork PRs the event's own
 * `pull_requests` list is empty, so it is looked up by the head branch and commit, which the
 * event states and the fork cannot forge.
 */
async function pullRequestOfRun({ github, context }) {
  const run = context.payload.workflow_run;
  const { owner, repo } = context.repo;
  const listed = (run.pull_requests || []).find((p) => p.head && p.head.sha === run.head_sha);
  if (listed) return listed.number;
  const prs = await github.paginate(github.rest.pulls.list, {
    owner,
    repo,
    state: "open",
    head: `${run.head_repository.owner.login}:${run.head_branch}`,
    per_page: 100,
  });
  const pr = prs.find((p) => p.head.sha === run.head_sha);
  return pr ? pr.number : null;
}

/** Entry point for a workflow step: reads the Markdown file and upserts the comment. */
async function postFromFile({ github, context, core, file, prNumber }) {
  const number = prNumber || (await pullRequestOfRun({ github, context }));
  if (!number) {
    core.notice("No open pull request matches this run: nothing to comment on.");
    return null;
  }
  const result = await upsert({
    github,
    context,
    prNumber: number,
    markdown: fs.readFileSync(file, "utf8"),
  });
  core.info(`Access diff comment ${result} on pull request #${number}.`);
  return result;
}

module.exports = { MARKER, LIMIT, commentBody, upsert, pullRequestOfRun, postFromFile };
