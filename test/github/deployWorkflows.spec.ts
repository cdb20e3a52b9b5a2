// The workflows that apply and record (push.yml, break-glass.yml) and remind (rotation-reminders.yml),
// read as data; the scripts they call, run for real: record-applied.sh against local git repositories,
// rotation-reminder.js against a fake of the GitHub API with `rotation-status --json` of the CLI.
// What this does not prove: that GitHub runs them (no runner here). The rules every workflow follows
// (pinned actions, timeouts, credential-free checkouts, declared inputs) are in workflows.spec.ts.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { cli, setStackConfig, tempProject } from "../cli/runbook/helpers";
import { fakeOctokit, REPO_CONTEXT } from "./octokit";

const ROOT = path.resolve(__dirname, "..", "..");
type Step = {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
};
type Job = {
  needs?: string | string[];
  if?: string;
  environment?: string;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  steps: Step[];
};
type Workflow = { on: Record<string, any>; concurrency?: unknown; jobs: Record<string, Job> };
const read = (file: string) => {
  const text = fs.readFileSync(path.join(ROOT, ".github", "workflows", file), "utf8");
  return { text, wf: YAML.parse(text) as Workflow };
};
const push = read("push.yml").wf;
const breakGlass = read("break-glass.yml");
const reminders = read("rotation-reminders.yml").wf;
const stepIndex = (job: Job, pred: (s: Step) => boolean) => job.steps.findIndex(pred);
const isUp = (s: Step) =>
  s.uses?.startsWith("pulumi/actions@") === true && s.with?.command === "up";

/** A deploy job's order: freeze check, GCP auth, preview, up, then its outputs saved and uploaded. */
function expectDeployJob(job: Job, stack: string, freezeCheck: string) {
  const at = (pred: (s: Step) => boolean) => stepIndex(job, pred);
  const freeze = at((s) => s.run === freezeCheck);
  const auth = at((s) => s.uses?.startsWith("google-github-actions/auth@") === true);
  const up = at(isUp);
  const save = at((s) => s.run?.startsWith("pulumi stack output --json --stack") === true);
  const upload = at((s) => s.uses?.startsWith("actions/upload-artifact@") === true);
  expect([freeze, auth, up, save, upload].every((i) => i >= 0)).toBe(true);
  expect(freeze).toBeLessThan(auth);
  expect(auth).toBeLessThan(up);
  expect(up).toBeLessThan(save);
  expect(save).toBeLessThan(upload);
  expect(job.steps[save].env?.STACK).toBe(`\${{ vars.PULUMI_ORG }}/${stack}`);
  expect(job.steps[upload].with?.name).toBe(`outputs-${stack}`);
  expect(job.environment).toBe(stack);
  expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
}

/** A record job: the write token and nothing else; it runs the script on its stack's outputs. */
function expectRecordJob(job: Job, stack: string, deployJob: string) {
  expect(job.needs).toBe(deployJob);
  expect(job.permissions).toEqual({ contents: "write" });
  expect(job.environment).toBeUndefined();
  const text = JSON.stringify(job);
  expect(text).not.toMatch(/google-github-actions|pulumi\/actions|secrets\./);
  const download = job.steps.find((s) => s.uses?.startsWith("actions/download-artifact@"));
  expect(download?.with?.name).toBe(`outputs-${stack}`);
  const record = job.steps.find((s) => s.run?.includes("record-applied.sh"))!;
  expect(record.run).toBe(
    `.github/scripts/record-applied.sh ${stack} "$RUNNER_TEMP/outputs/outputs-${stack}.json"`,
  );
  expect(record.env).toEqual({ GITHUB_TOKEN: "${{ github.token }}" });
}

describe("push.yml: staging, its record, production behind its environment, its record", () => {
  test("the order of the jobs", () => {
    expect(push.jobs.staging.needs).toBe("check");
    expect(push.jobs.production.needs).toBe("record-staging");
  });
  test.each(["staging", "production"])("%s applies, then a job of its own records it", (stack) => {
    expectDeployJob(push.jobs[stack], stack, "npx pegasus-secrets freeze-status");
    expectRecordJob(push.jobs[`record-${stack}`], stack, stack);
  });
});

describe("break-glass.yml: applies only under the freeze of its incident", () => {
  const wf = breakGlass.wf;
  test("started by hand with an incident ID; shares the deploy concurrency group", () => {
    expect(Object.keys(wf.on)).toEqual(["workflow_dispatch"]);
    expect(wf.on.workflow_dispatch.inputs.incident).toMatchObject({
      required: true,
      type: "string",
    });
    expect(wf.concurrency).toEqual({ group: "deploy", "cancel-in-progress": false });
  });
  test.each(["production", "staging"])(
    "%s: freeze-status --incident before anything, and PEGASUS_BREAK_GLASS for pulumi up",
    (stack) => {
      const job = wf.jobs[stack];
      expect(job.env).toEqual({ PEGASUS_BREAK_GLASS: "${{ inputs.incident }}" });
      expectDeployJob(
        job,
        stack,
        'npx pegasus-secrets freeze-status --incident "$PEGASUS_BREAK_GLASS"',
      );
      expectRecordJob(wf.jobs[`record-${stack}`], stack, stack);
    },
  );
  test("production first; staging after production's record, or alone", () => {
    expect(wf.jobs.staging.needs).toBe("record-production");
    expect(wf.jobs.staging.if).toContain("needs.record-production.result == 'success'");
    expect(wf.jobs.production.if).toBe("inputs.stacks != 'staging'");
  });
  test("the incident ID reaches a command only through the environment", () => {
    const runs = Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.run ?? ""));
    for (const r of runs) expect(r).not.toContain("${{");
  });
});

describe("rotation-reminders.yml", () => {
  const job = reminders.jobs.remind;
  test("weekly and on demand, with no cloud credential and only the issue write it needs", () => {
    expect(reminders.on).toEqual({ schedule: [{ cron: "17 6 * * 1" }], workflow_dispatch: {} });
    expect(job.permissions).toEqual({ contents: "read", issues: "write" });
    expect(JSON.stringify(reminders)).not.toMatch(
      /google-github-actions|pulumi\/actions|secrets\./,
    );
  });
  test("status JSON of every stack file, the issue, then --fail-on-overdue for every stack", () => {
    const runs = job.steps.map((s) => s.run ?? "");
    const json = runs.findIndex((r) => r.includes('rotation-status --stack "$stack" --json'));
    const issue = job.steps.findIndex((s) =>
      String(s.with?.script ?? "").includes("rotation-reminder.js"),
    );
    const fail = runs.findIndex((r) =>
      r.includes('rotation-status --stack "$stack" --fail-on-overdue'),
    );
    expect(json).toBeGreaterThanOrEqual(0);
    expect(json).toBeLessThan(issue);
    expect(issue).toBeLessThan(fail);
    for (const i of [json, fail]) expect(runs[i]).toContain("for file in Pulumi.*.yaml; do");
  });
});

describe("record-applied.sh, against local git repositories", () => {
  const SCRIPT = path.join(ROOT, ".github", "scripts", "record-applied.sh");
  let dir: string;
  const git = (cwd: string, ...args: string[]) => {
    const r = spawnSync("git", args, { cwd, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
    return r.stdout.trim();
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-record-"));
    const seed = path.join(dir, "seed");
    fs.mkdirSync(path.join(seed, "operations"), { recursive: true });
    fs.writeFileSync(path.join(seed, "operations", "log.jsonl"), '{"action":"rotate"}\n');
    git(dir, "init", "--quiet", "--bare", "--initial-branch=main", "origin.git");
    git(seed, "init", "--quiet", "--initial-branch=main");
    git(
      seed,
      "-c",
      "user.name=t",
      "-c",
      "user.email=t@t",
      "commit",
      "--quiet",
      "--allow-empty",
      "-m",
      "empty",
    );
    git(seed, "add", ".");
    git(seed, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "seed");
    git(seed, "push", "--quiet", path.join(dir, "origin.git"), "main");
    git(dir, "clone", "--quiet", path.join(dir, "origin.git"), "work");
    fs.writeFileSync(path.join(dir, "outputs.json"), "{}");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /**
   * Runs the script in the clone with a stand-in for `npx pegasus-secrets` (the `applied` command is
   * tested in test/cli/runbook/applied.spec.ts): it appends one entry naming its arguments, and,
   * when `raceOnce` is set, first pushes a competing commit to origin, as another workflow would.
   */
  const run = (extraEnv: Record<string, string> = {}, raceOnce = false) => {
    const fake = path.join(dir, "fake-cli.sh");
    fs.writeFileSync(
      fake,
      [
        "#!/usr/bin/env bash",
        "set -euo pipefail",
        raceOnce
          ? `if [ ! -e "${dir}/raced" ]; then touch "${dir}/raced"; git clone --quiet "${dir}/origin.git" "${dir}/other"; cd "${dir}/other"; echo '{"action":"verify"}' >> operations/log.jsonl; git -c user.name=o -c user.email=o@o commit --quiet -am other; git push --quiet origin main; cd - > /dev/null; fi`
          : "",
        'echo "{\\"action\\":\\"applied\\",\\"args\\":\\"$*\\"}" >> operations/log.jsonl',
      ].join("\n"),
    );
    fs.chmodSync(fake, 0o755);
    return spawnSync(SCRIPT, ["staging", path.join(dir, "outputs.json")], {
      cwd: path.join(dir, "work"),
      encoding: "utf8",
      env: { ...process.env, PEGASUS_CLI: fake, GITHUB_RUN_ID: "77", ...extraEnv },
      timeout: 30_000,
    });
  };
  const originLog = () =>
    git(path.join(dir, "origin.git"), "show", "main:operations/log.jsonl").split("\n");

  test("appends the applied entry on the branch tip and pushes it", () => {
    const r = run();
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(originLog()).toEqual([
      '{"action":"rotate"}',
      `{"action":"applied","args":"applied --stack staging --operator github-actions --outputs ${path.join(dir, "outputs.json")}"}`,
    ]);
    expect(git(path.join(dir, "origin.git"), "log", "-1", "--format=%s", "main")).toBe(
      "Record: staging applied by run 77 [skip ci]",
    );
  });

  test("when main moved on meanwhile, records again on the new tip: nothing lost, nothing doubled", () => {
    const r = run({}, true);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(
      "main moved on while recording; recording again on its new tip (attempt 1 of 3).",
    );
    const log = originLog();
    expect(log[0]).toBe('{"action":"rotate"}');
    expect(log[1]).toBe('{"action":"verify"}');
    expect(log.slice(2).map((l) => JSON.parse(l).action)).toEqual(["applied"]);
  });

  test("refuses a missing outputs file before touching git", () => {
    fs.rmSync(path.join(dir, "outputs.json"));
    const r = run();
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      "outputs.json does not exist: save pulumi stack output --json --stack staging to it first.",
    );
    expect(originLog()).toHaveLength(1);
  });
});

describe("rotation-reminder.js, with the CLI's own rotation-status --json", () => {
  const reminder = require(path.join(ROOT, ".github", "scripts", "rotation-reminder.js")) as {
    MARKER: string;
    LABEL: string;
    issueBody(statuses: unknown[]): string | null;
    sync(args: { github: unknown; context: unknown; statuses: unknown[] }): Promise<string>;
  };
  /** Status JSON of both fixture stacks, with keepers making some secrets overdue or due soon. */
  async function statuses(keepers: Record<string, string>) {
    const p = tempProject("2026-11-29T03:00:00Z");
    try {
      setStackConfig(p, "production", "pegasus-secrets:rotations", keepers);
      return await Promise.all(
        ["staging", "production"].map(async (stack) =>
          JSON.parse((await cli(p, ["rotation-status", "--stack", stack, "--json"])).out),
        ),
      );
    } finally {
      p.cleanup();
    }
  }
  /** The bits of Octokit the script uses, with issues in memory. */
  function fakeGitHub(
    issues: {
      number: number;
      user: { login: string };
      body: string;
      state: string;
      labels: string[];
    }[],
  ) {
    const calls: string[] = [];
    const rest = {
      issues: {
        listForRepo: async () => ({ data: issues.filter((i) => i.state === "open") }),
        create: async ({ body, labels }: { body: string; labels: string[] }) => {
          calls.push("create");
          issues.push({
            number: 50 + issues.length,
            user: { login: "github-actions[bot]" },
            body,
            state: "open",
            labels,
          });
        },
        update: async ({
          issue_number,
          body,
          state,
        }: {
          issue_number: number;
          body?: string;
          state?: string;
        }) => {
          calls.push(`update ${issue_number}${state ? ` ${state}` : ""}`);
          const i = issues.find((x) => x.number === issue_number)!;
          if (body) i.body = body;
          if (state) i.state = state;
        },
        createComment: async ({ issue_number }: { issue_number: number }) => {
          calls.push(`comment ${issue_number}`);
        },
      },
    };
    const github = fakeOctokit(rest);
    return { github, calls, issues };
  }
  const context = REPO_CONTEXT;

  test("opens one issue listing overdue and due-soon secrets, updates it, closes it when none are left", async () => {
    const due = await statuses({ OPENAI_API_KEY: "2026-08-01.1", JWT_SECRET: "2026-09-05.1" });
    const body = reminder.issueBody(due)!;
    expect(body.split("\n").filter((l) => l.startsWith("| production"))).toEqual([
      "| production | `OPENAI_API_KEY` | 2026-08-01.1 | 2026-08-01T00:00:00Z | 120 / 90 days | **overdue by 30 days** |",
      "| production | `JWT_SECRET` | 2026-09-05.1 | 2026-09-05T00:00:00Z | 85 / 90 days | due in 5 days |",
    ]);
    // A person's issue quoting the marker is never taken over.
    const gh = fakeGitHub([
      {
        number: 7,
        user: { login: "alice" },
        body: `see ${reminder.MARKER}`,
        state: "open",
        labels: [reminder.LABEL],
      },
    ]);
    expect(await reminder.sync({ github: gh.github, context, statuses: due })).toBe("opened");
    expect(await reminder.sync({ github: gh.github, context, statuses: due })).toBe("updated");
    const clear = await statuses({});
    expect(reminder.issueBody(clear)).toBeNull();
    expect(await reminder.sync({ github: gh.github, context, statuses: clear })).toBe("closed");
    expect(await reminder.sync({ github: gh.github, context, statuses: clear })).toBe("none");
    expect(gh.calls).toEqual(["create", "update 51", "comment 51", "update 51 closed"]);
    expect(gh.issues.find((i) => i.number === 7)!.state).toBe("open");
  });
});
