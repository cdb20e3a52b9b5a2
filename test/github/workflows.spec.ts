// The CI workflows, read as data and held to the rules of issue 4 and STYLE 3.5: pinned actions,
// minimal permissions, no credentials on fork PRs, OIDC instead of keys, one updated PR comment,
// production behind an approval, the freeze honoured before every `pulumi up`. What this does not
// prove: that GitHub runs them (no runner here); a broken expression or an unknown input would only
// show there, so action inputs are also checked against the pinned actions' own action.yml names.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { COMMENT_MARKER } from "../../cli/review/accessDiffReport";
import { RULE_PATHS } from "../../cli/review/ruleChanges";
import { fakeOctokit, REPO_CONTEXT } from "./octokit";

const ROOT = path.resolve(__dirname, "..", "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");

const commentScript = require(path.join(ROOT, ".github", "scripts", "access-diff-comment.js")) as {
  MARKER: string;
  LIMIT: number;
  commentBody(md: string): string;
  upsert(args: {
    github: unknown;
    context: unknown;
    prNumber: number;
    markdown: string;
  }): Promise<string>;
  pullRequestOfRun(args: { github: unknown; context: unknown }): Promise<number | null>;
};

type Step = {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  id?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
};
type Job = {
  name?: string;
  needs?: string | string[];
  if?: string;
  environment?: string;
  permissions?: Record<string, string> | string;
  "timeout-minutes"?: number;
  strategy?: { matrix?: Record<string, unknown> };
  steps: Step[];
};
type Workflow = {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  jobs: Record<string, Job>;
};

const read = (file: string): { text: string; wf: Workflow } => {
  const text = fs.readFileSync(path.join(WORKFLOWS, file), "utf8");
  const doc = YAML.parseDocument(text);
  expect(doc.errors).toEqual([]);
  return { text, wf: doc.toJS() as Workflow };
};
const FILES = [
  "pull_request.yml",
  "push.yml",
  "pr-comment.yml",
  "break-glass.yml",
  "rotation-reminders.yml",
];
const all = FILES.map((f) => ({ file: f, ...read(f) }));
const pr = read("pull_request.yml").wf;
const push = read("push.yml").wf;
const prComment = read("pr-comment.yml").wf;
const runs = (job: Job) => job.steps.map((s) => s.run ?? "").join("\n");
const usesOf = (job: Job, action: string) =>
  job.steps.filter((s) => s.uses?.startsWith(`${action}@`));

/** The inputs each pinned action declares in its action.yml at that commit (read from the action's repository). */
const ACTION_INPUTS: Record<string, string[]> = {
  "actions/checkout": ["persist-credentials", "fetch-depth", "ref", "path"],
  "actions/setup-node": ["node-version", "node-version-file", "cache", "cache-dependency-path"],
  "actions/upload-artifact": ["name", "path", "retention-days", "if-no-files-found"],
  "actions/download-artifact": ["name", "path", "run-id", "github-token"],
  "actions/github-script": ["script", "github-token"],
  "google-github-actions/auth": ["workload_identity_provider", "service_account", "project_id"],
  "pulumi/actions": [
    "command",
    "stack-name",
    "policyPacks",
    "comment-on-pr",
    "github-token",
    "suppress-outputs",
    "work-dir",
  ],
};

describe.each(all)("$file", ({ text, wf }) => {
  test("every action is pinned to a full commit SHA with its release in a comment", () => {
    const uses = text.split("\n").filter((l) => /^\s*(-\s+)?uses:/.test(l));
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) {
      expect(line).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    }
  });

  test("top-level permissions are read-only contents, and no job asks for more than it needs", () => {
    expect(wf.permissions).toEqual({ contents: "read" });
    // contents: write only in the record jobs, issues: write only for the reminder issue
    // (deployWorkflows.spec.ts holds those jobs to what they run).
    const allowed: Record<string, string[]> = {
      contents: ["read", "write"],
      issues: ["write"],
      "pull-requests": ["write"],
      "id-token": ["write"],
      actions: ["read"],
    };
    for (const job of Object.values(wf.jobs)) {
      if (job.permissions === undefined) continue;
      expect(typeof job.permissions).toBe("object");
      for (const [scope, level] of Object.entries(job.permissions as Record<string, string>)) {
        expect(allowed[scope]).toContain(level);
      }
    }
  });

  test("checkouts keep no credentials; every job has a timeout; inputs are ones the actions declare", () => {
    for (const job of Object.values(wf.jobs)) {
      expect(job["timeout-minutes"]).toBeGreaterThan(0);
      for (const s of usesOf(job, "actions/checkout"))
        expect(s.with?.["persist-credentials"]).toBe(false);
      for (const s of job.steps.filter((x) => x.uses)) {
        const action = s.uses!.split("@")[0];
        expect(Object.keys(ACTION_INPUTS)).toContain(action);
        for (const input of Object.keys(s.with ?? {}))
          expect(ACTION_INPUTS[action]).toContain(input);
      }
    }
  });

  test("GCP access only by workload identity federation, never a JSON key", () => {
    expect(text).not.toMatch(/credentials_json|GOOGLE_APPLICATION_CREDENTIALS|service_account_key/);
    for (const job of Object.values(wf.jobs)) {
      for (const s of usesOf(job, "google-github-actions/auth")) {
        expect(s.with?.workload_identity_provider).toMatch(/^\$\{\{ vars\.[A-Z_]+ \}\}$/);
        expect(job.permissions).toMatchObject({ "id-token": "write" });
      }
    }
  });
});

describe("pull_request.yml", () => {
  test("runs on pull_request, never pull_request_target (the PR's code never runs with secrets)", () => {
    expect(Object.keys(pr.on)).toEqual(["pull_request"]);
  });

  test("the check job runs the pull request's own checks: lockfile, lint, types, tests, scan, docs, its lint of the whole repository, its policy", () => {
    const r = runs(pr.jobs.check);
    for (const cmd of [
      "npm ci",
      "npm run lint",
      "npm run build",
      "npm run scan",
      "npx jest --ci",
      "npx pegasus-secrets docs --check",
      "npx pegasus-secrets lint-manifests . --exclude examples/manifests/bad",
      "npx pegasus-secrets policy-check",
    ]) {
      expect(r.split("\n")).toContain(cmd);
    }
    expect(r.indexOf("npm ci")).toBeLessThan(r.indexOf("npm run build"));
  });

  test("the gate judges the pull request's tree with the base commit's CLI: lint, recorder, rules, in that order", () => {
    const job = pr.jobs.gate;
    const checkouts = usesOf(job, "actions/checkout").map((s) => s.with);
    expect(checkouts).toEqual([
      { path: "head", "persist-credentials": false },
      {
        path: "base",
        ref: "${{ github.event.pull_request.base.sha }}",
        "persist-credentials": false,
      },
    ]);
    const step = (id: string) => job.steps.find((s) => s.id === id)!;
    expect(step("link").run).toBe('ln -s "$PWD/head/node_modules" base/node_modules\n'.trimEnd());
    expect(step("lint").run).toContain(
      "node base/bin/pegasus-secrets.js lint-manifests head --exclude examples/manifests/bad",
    );
    expect(step("diff").run).toContain(
      "node base/bin/pegasus-secrets.js access-diff --project head --base-project base --output access-diff.md",
    );
    expect(step("diff").run).toContain('cat access-diff.md >> "$GITHUB_STEP_SUMMARY"');
    // Nothing of the pull request's tree runs but its program, inside the base's recorder.
    expect(runs(job)).not.toMatch(/npx pegasus-secrets|node head\//);
    const verdict = step("verdict");
    expect(verdict.if).toBe("steps.diff.outputs.status != '0' || steps.lint.outputs.status != '0'");
    expect(verdict.run).toContain("exit 1");
    expect(job.steps[job.steps.length - 1]).toBe(verdict);
  });

  test("the gate keeps the report for forks and upserts one comment with the base's script, on same-repository PRs only", () => {
    const job = pr.jobs.gate;
    expect(usesOf(job, "actions/upload-artifact")[0].with).toMatchObject({
      name: "access-diff",
      path: "access-diff.md",
    });
    const comment = usesOf(job, "actions/github-script")[0];
    expect(comment.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    expect(String(comment.with?.script)).toContain(
      "require(`${process.env.GITHUB_WORKSPACE}/base/.github/scripts/access-diff-comment.js`)",
    );
  });

  test("preview runs per stack with the base's policy pack through pulumi/actions, never on a fork PR", () => {
    const job = pr.jobs.preview;
    expect(job.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    expect(job.needs).toEqual(["check", "gate"]);
    expect(job.strategy?.matrix?.stack).toEqual(["staging", "production"]);
    expect(usesOf(job, "actions/checkout")[1].with?.ref).toBe(
      "${{ github.event.pull_request.base.sha }}",
    );
    const [pulumi] = usesOf(job, "pulumi/actions");
    expect(pulumi.with).toMatchObject({
      command: "preview",
      "work-dir": "head",
      policyPacks: "../base/policy",
      "comment-on-pr": true,
      "stack-name": "${{ vars.PULUMI_ORG }}/${{ matrix.stack }}",
    });
    expect(pulumi.env).toEqual({ PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" });
  });

  test("every job but the preview runs on a fork PR: no secret besides the automatic token", () => {
    for (const [name, j] of Object.entries(pr.jobs)) {
      // `secrets.X` in an expression, not `pegasus-secrets.js`.
      const usesSecrets = /(?<![\w-])secrets\.(?!GITHUB_TOKEN)/.test(JSON.stringify(j));
      expect([name, usesSecrets]).toEqual([name, name === "preview"]);
      if (name !== "preview") expect(j.if).toBeUndefined();
    }
  });
});

describe("pr-comment.yml", () => {
  test("comments fork PRs from a workflow_run, without checking out or running the PR's code", () => {
    expect(prComment.on).toEqual({
      workflow_run: { workflows: ["pull request"], types: ["completed"] },
    });
    expect(pr.name).toBe("pull request");
    const job = prComment.jobs.comment;
    expect(job.if).toContain(
      "github.event.workflow_run.head_repository.full_name != github.repository",
    );
    expect(usesOf(job, "actions/checkout")[0].with).toEqual({ "persist-credentials": false });
    expect(job.steps.filter((s) => s.run !== undefined)).toEqual([]);
    expect(usesOf(job, "actions/download-artifact")[0].with).toMatchObject({
      name: "access-diff",
      "run-id": "${{ github.event.workflow_run.id }}",
    });
  });
});

describe("push.yml", () => {
  test("on push to main: staging after the checks, then production behind its environment", () => {
    expect(push.on).toEqual({ push: { branches: ["main"] } });
    expect(push.jobs.staging).toMatchObject({ needs: "check", environment: "staging" });
    expect(push.jobs.production).toMatchObject({
      needs: "record-staging",
      environment: "production",
    });
  });

  test.each(["staging", "production"])(
    "%s: freeze check, then preview with the policy pack as a gate, then up with the policy pack",
    (stack) => {
      const steps = push.jobs[stack].steps;
      const freeze = steps.findIndex((s) => s.run === "npx pegasus-secrets freeze-status");
      const pulumi = steps
        .map((s, i) => [i, s] as const)
        .filter(([, s]) => s.uses?.startsWith("pulumi/actions@"));
      expect(
        pulumi.map(([, s]) => [s.with?.command, s.with?.["stack-name"], s.with?.policyPacks]),
      ).toEqual([
        ["preview", `\${{ vars.PULUMI_ORG }}/${stack}`, "policy"],
        ["up", `\${{ vars.PULUMI_ORG }}/${stack}`, "policy"],
      ]);
      expect(freeze).toBeGreaterThanOrEqual(0);
      expect(freeze).toBeLessThan(pulumi[0][0]);
    },
  );

  test("deploys never run concurrently and are never cancelled halfway", () => {
    expect((push as unknown as { concurrency: unknown }).concurrency).toEqual({
      group: "deploy",
      "cancel-in-progress": false,
    });
  });
});

describe("the comment script (.github/scripts/access-diff-comment.js)", () => {
  /** A fake of the bits of Octokit the script uses, holding comments in memory. */
  function fakeGitHub(
    comments: { id: number; user: { login: string }; body: string }[],
    pulls: unknown[] = [],
  ) {
    const calls: string[] = [];
    let next = 100;
    const rest = {
      issues: {
        listComments: async () => ({ data: comments }),
        updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
          calls.push(`update ${comment_id}`);
          comments.find((c) => c.id === comment_id)!.body = body;
        },
        createComment: async ({ body }: { body: string }) => {
          calls.push("create");
          comments.push({ id: next++, user: { login: "github-actions[bot]" }, body });
        },
      },
      pulls: { list: async () => ({ data: pulls }) },
    };
    const github = fakeOctokit(rest);
    return { github, calls, comments };
  }
  const context = REPO_CONTEXT;

  test("uses the same marker as the CLI's Markdown", () => {
    expect(commentScript.MARKER).toBe(COMMENT_MARKER);
  });

  test("creates the comment once, then updates it: never a second one", async () => {
    const { github, calls, comments } = fakeGitHub([
      { id: 1, user: { login: "reviewer" }, body: "looks good" },
    ]);
    await commentScript.upsert({
      github,
      context,
      prNumber: 7,
      markdown: `${COMMENT_MARKER}\nfirst`,
    });
    await commentScript.upsert({
      github,
      context,
      prNumber: 7,
      markdown: `${COMMENT_MARKER}\nsecond`,
    });
    expect(calls).toEqual(["create", "update 100"]);
    expect(comments.map((c) => c.body)).toEqual(["looks good", `${COMMENT_MARKER}\nsecond`]);
  });

  test("never overwrites a person's comment that quotes the marker", async () => {
    const { github, calls } = fakeGitHub([
      { id: 5, user: { login: "someone" }, body: `quoting ${COMMENT_MARKER}` },
    ]);
    await commentScript.upsert({
      github,
      context,
      prNumber: 7,
      markdown: `${COMMENT_MARKER}\nreport`,
    });
    expect(calls).toEqual(["create"]);
  });

  test("cuts a body over GitHub's limit and says where the rest is", () => {
    const body = commentScript.commentBody(`${COMMENT_MARKER}\n${"x".repeat(70_000)}`);
    expect(body.length).toBeLessThanOrEqual(commentScript.LIMIT);
    expect(
      body.endsWith(
        "the full access diff is in the job summary of the pull request's workflow run.",
      ),
    ).toBe(true);
  });

  test("finds a fork PR by the run's head branch and commit", async () => {
    const run = {
      head_sha: "a".repeat(40),
      head_branch: "feature",
      head_repository: { owner: { login: "forker" } },
      pull_requests: [],
    };
    const { github } = fakeGitHub(
      [],
      [
        { number: 3, head: { sha: "b".repeat(40) } },
        { number: 4, head: { sha: "a".repeat(40) } },
      ],
    );
    expect(
      await commentScript.pullRequestOfRun({
        github,
        context: { ...context, payload: { workflow_run: run } },
      }),
    ).toBe(4);
    const none = fakeGitHub([], []);
    expect(
      await commentScript.pullRequestOfRun({
        github: none.github,
        context: { ...context, payload: { workflow_run: run } },
      }),
    ).toBeNull();
  });
});

describe(".github/CODEOWNERS", () => {
  test("names an owner for every path that changes the rules (cli/review/ruleChanges.ts), and for itself", () => {
    const lines = fs
      .readFileSync(path.join(ROOT, ".github", "CODEOWNERS"), "utf8")
      .split("\n")
      .filter((l) => l.trim() && !l.startsWith("#"))
      .map((l) => l.trim().split(/\s+/));
    expect(lines.map(([p]) => p)).toEqual(RULE_PATHS.map((p) => `/${p}`));
    for (const [, ...owners] of lines)
      expect(owners).toEqual([expect.stringMatching(/^@[\w-]+\/[\w-]+$/)]);
    expect(RULE_PATHS).toContain(".github/");
  });
});

describe("the manifest lint as a composite action (.github/actions/manifest-lint)", () => {
  const dir = path.join(ROOT, ".github", "actions", "manifest-lint");
  const text = fs.readFileSync(path.join(dir, "action.yml"), "utf8");
  const action = YAML.parse(text) as {
    inputs: Record<string, { default: string }>;
    runs: { using: string; steps: (Step & { shell?: string; "working-directory"?: string })[] };
  };

  test("installs this repository's runtime dependencies from its lockfile, no scripts, with a pinned setup-node", () => {
    expect(action.runs.using).toBe("composite");
    const [setup, install, lint] = action.runs.steps;
    expect(setup.uses).toMatch(/^actions\/setup-node@[0-9a-f]{40}$/);
    expect(text).toMatch(/uses: actions\/setup-node@[0-9a-f]{40} # v\d+\.\d+\.\d+\n/);
    expect(install["working-directory"]).toBe("${{ github.action_path }}/../../..");
    expect(install.run).toBe("npm ci --omit=dev --ignore-scripts --no-audit --no-fund");
    expect(lint.env).toEqual({
      LINT_PATH: "${{ inputs.path }}",
      LINT_EXCLUDE: "${{ inputs.exclude }}",
    });
    expect(Object.keys(action.inputs)).toEqual(["path", "exclude"]);
  });

  test("its lint step, run as the runner would, fails a repository with a literal secret and leaves out what it is told to", () => {
    const lint = action.runs.steps[2].run!;
    const run = (lintPath: string, exclude = "") =>
      spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", lint], {
        cwd: ROOT,
        encoding: "utf8",
        env: {
          PATH: process.env.PATH,
          GITHUB_ACTION_PATH: dir,
          LINT_PATH: lintPath,
          LINT_EXCLUDE: exclude,
        },
      });
    // One run: the bad examples fail it, and what is excluded is not read.
    const r = run("examples/manifests", "good bad/mobile");
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("bad/render.yaml:8: OPENAI_API_KEY [render-secret-value]");
    expect(r.stdout).not.toMatch(/^(good|bad\/mobile)\//m);
  }, 30_000);
});
