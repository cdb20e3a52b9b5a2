// The access diff: the pure comparison of two offline plans (synthetic plans, fast), then the real
// thing in a throwaway git repository made from this one: a PR that adds a consumer to a secret shows
// exactly that grant, and a PR that routes a secret to `mobile` fails the check with the catalog's
// own message. Each scenario evaluates real plans in child processes, so each runs once.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../../cli/main";
import { PlanOutcome, RevisionPlan } from "../../../cli/plan";
import { accessDiff, diffStack, StackDiff } from "../../../cli/review/accessDiff";
import { COMMENT_MARKER, renderMarkdown } from "../../../cli/review/accessDiffReport";
import { policyResult } from "../../../cli/review/policyCheck";
import { copyProject } from "../../helpers";

const SA = (name: string) => `serviceAccount:${name}@pegasus-staging.iam.gserviceaccount.com`;

const plan = (overrides: Partial<RevisionPlan> = {}): RevisionPlan => ({
  stack: "staging",
  resources: [],
  access: [
    {
      variable: "JWT_SECRET",
      secretId: "staging-jwt-secret",
      consumer: "api",
      member: SA("staging-api"),
    },
    {
      variable: "REDIS_URL",
      secretId: "staging-redis-url",
      consumer: "worker",
      member: SA("staging-worker"),
    },
  ],
  secrets: [
    {
      variable: "JWT_SECRET",
      scope: "shared",
      secretId: "staging-jwt-secret",
      source: "generated",
      consumers: ["api"],
      keeper: "initial",
      previousKeeper: null,
    },
    {
      variable: "REDIS_URL",
      scope: "shared",
      secretId: "staging-redis-url",
      source: "external",
      consumers: ["worker"],
      keeper: "initial",
      previousKeeper: null,
    },
  ],
  identities: [],
  rotationKeepers: { JWT_SECRET: "initial", REDIS_URL: "initial" },
  ...overrides,
});
const ok = (p: RevisionPlan): PlanOutcome => ({ status: "ok", plan: p });
// No resources in these plans: the audit rule is switched off so only the diff is under test.
const diff = (base: PlanOutcome, head: PlanOutcome): StackDiff =>
  diffStack("staging", base, head, policyResult("staging", head, false), false);

describe("diffStack (pure)", () => {
  test("an unchanged stack has no access changes and says so", () => {
    const d = diff(ok(plan()), ok(plan()));
    expect(d.grants).toEqual({ added: [], removed: [] });
    expect(d.secrets).toEqual({ added: [], removed: [] });
    expect(d.rotations).toEqual([]);
    expect(d.deliveries).toBeNull();
    const md = renderMarkdown({
      base: { ref: "origin/main", commit: "0".repeat(40) },
      stacks: [d],
      passed: true,
    });
    expect(md.startsWith(COMMENT_MARKER)).toBe(true);
    expect(md).toContain(
      "### Stack `staging`\n\nNo access changes.\n\n**Policy:** ✅ passes all 9 policies.",
    );
  });

  test("grants added and removed, secrets added and removed, rotations and overlap windows", () => {
    const head = plan({
      access: [
        {
          variable: "JWT_SECRET",
          secretId: "staging-jwt-secret",
          consumer: "api",
          member: SA("staging-api"),
        },
        {
          variable: "JWT_SECRET",
          secretId: "staging-jwt-secret",
          consumer: "worker",
          member: SA("staging-worker"),
        },
      ],
      secrets: [
        {
          variable: "JWT_SECRET",
          scope: "shared",
          secretId: "staging-jwt-secret",
          source: "generated",
          consumers: ["api", "worker"],
          keeper: "2026-11-29.1",
          previousKeeper: "initial",
        },
        {
          variable: "SIGNED_URL_KEY",
          scope: "shared",
          secretId: "staging-signed-url-key",
          source: "generated",
          consumers: ["api"],
          keeper: "initial",
          previousKeeper: null,
        },
      ],
      rotationKeepers: { JWT_SECRET: "2026-11-29.1", SIGNED_URL_KEY: "initial" },
    });
    const d = diff(ok(plan()), ok(head));
    expect(d.grants.added.map((g) => [g.variable, g.consumer])).toEqual([["JWT_SECRET", "worker"]]);
    expect(d.grants.removed.map((g) => [g.variable, g.consumer])).toEqual([
      ["REDIS_URL", "worker"],
    ]);
    expect(d.secrets.added.map((s) => s.secretId)).toEqual(["staging-signed-url-key"]);
    expect(d.secrets.removed.map((s) => s.secretId)).toEqual(["staging-redis-url"]);
    // A keeper change is a rotation; a new secret's keeper is not.
    expect(d.rotations).toEqual([{ variable: "JWT_SECRET", from: "initial", to: "2026-11-29.1" }]);
    expect(d.overlaps).toEqual([
      {
        variable: "JWT_SECRET",
        secretId: "staging-jwt-secret",
        change: "opened",
        previousKeeper: "initial",
      },
    ]);
    const md = renderMarkdown({
      base: { ref: "origin/main", commit: "a".repeat(40) },
      stacks: [d],
      passed: true,
    });
    expect(md).toContain(
      `**Access granted (roles/secretmanager.secretAccessor)**\n\n| Variable | Consumer | Identity | Secret ID |\n|---|---|---|---|\n| \`JWT_SECRET\` | worker | \`${SA("staging-worker")}\` | \`staging-jwt-secret\` |`,
    );
    expect(md).toContain(
      "**Rotations (new values)**\n\n| Variable | Keeper |\n|---|---|\n| `JWT_SECRET` | `initial` → `2026-11-29.1` |",
    );
    expect(md).toContain("previous value (`initial`) stays valid until finalize");
    expect(md).not.toContain("No access changes.");
  });

  test("deliveries are compared when a plan has them: target and destination named", () => {
    const row = {
      variable: "JWT_SECRET",
      consumer: "api",
      target: "render",
      destination: "Render env group pegasus-staging-api",
      kind: "secret" as const,
    };
    const d = diff(ok(plan({ deliveries: [] })), ok(plan({ deliveries: [row] })));
    expect(d.deliveries).toEqual({ added: [row], removed: [] });
    const md = renderMarkdown({
      base: { ref: "b", commit: "b".repeat(40) },
      stacks: [d],
      passed: true,
    });
    expect(md).toContain("| `JWT_SECRET` | api | render | Render env group pegasus-staging-api |");
  });

  test("a base that does not evaluate is reported, and the head's grants and policy are still shown", () => {
    const d = diff(
      { status: "failed", reason: "plan --stack staging failed (exit 2):\nInvalid secret catalog" },
      ok(plan()),
    );
    expect(d.compared).toBe(false);
    expect(d.grants.added).toHaveLength(2);
    const md = renderMarkdown({
      base: { ref: "origin/main", commit: "c".repeat(40) },
      stacks: [d],
      passed: true,
    });
    expect(md).toContain("⚠️ **The base could not be evaluated**");
    expect(md).toContain("Invalid secret catalog");
    expect(md).toContain("**Access grants of this change**");
    expect(md).toContain("**Policy:** ✅ passes all 9 policies.");
  });

  test("a new stack lists everything as added; a head that does not evaluate fails the check", () => {
    const created = diff({ status: "absent" }, ok(plan()));
    expect(created.compared).toBe(true);
    expect(created.grants.added).toHaveLength(2);
    expect(created.secrets.added).toHaveLength(2);

    const broken = diff(ok(plan()), { status: "failed", reason: "the catalog is invalid" });
    expect(broken.policy.evaluated).toBe(false);
    const md = renderMarkdown({
      base: { ref: "origin/main", commit: "d".repeat(40) },
      stacks: [broken],
      passed: false,
    });
    expect(md).toContain("**Result:** ❌ the check fails for `staging`.");
    expect(md).toContain(
      "❌ **This change does not evaluate**, so nothing can be deployed and no policy could run:\n\n```\nthe catalog is invalid\n```",
    );
  });

  test("policy violations are listed, new ones told apart from those already on the base", () => {
    const bad = (name: string) => ({
      type: "random:index/randomString:RandomString",
      name,
      inputs: { length: 32 },
    });
    const base = plan({ resources: [bad("old-token")] });
    const head = plan({ resources: [bad("old-token"), bad("new-token")] });
    const d = diff(ok(base), ok(head));
    const md = renderMarkdown({
      base: { ref: "b", commit: "e".repeat(40) },
      stacks: [d],
      passed: false,
    });
    expect(md).toContain("**Policy:** ❌ fails (2 violation(s)):");
    expect(md).toMatch(/\| `old-token` \| old-token is a RandomString[^\n]*\| already on base \|/);
    expect(md).toMatch(/\| `new-token` \| new-token is a RandomString[^\n]*\| new \|/);
  });
});

describe("in a throwaway repository made from this one", () => {
  let repo: string;
  const output: string[] = [];
  let write: jest.SpyInstance;

  /** Copies the project (as it is in this working tree, without tests and docs) and commits it as the base. */
  beforeAll(() => {
    repo = copyProject("pegasus-pr-").dir;
    // The copy links node_modules; the repository ignores it.
    fs.writeFileSync(path.join(repo, ".gitignore"), "node_modules\n");
    const git = (...args: string[]) =>
      execFileSync(
        "git",
        [
          "-c",
          "user.name=Reviewer",
          "-c",
          "user.email=reviewer@example.com",
          "-c",
          "commit.gpgsign=false",
          ...args,
        ],
        { cwd: repo, stdio: "pipe" },
      );
    // Two commits: the program without its stack files (tag `pre-stacks`), then the stack files.
    // Against `pre-stacks` the stacks are new, so their base costs no evaluation.
    git("init", "-q", "-b", "main");
    git("add", "-A", "--", ".", ":(exclude)Pulumi.*.yaml");
    git("commit", "-qm", "program");
    git("tag", "pre-stacks");
    git("add", "-A");
    git("commit", "-qm", "stacks");
  });

  afterAll(() => {
    fs.rmSync(repo, { recursive: true, force: true });
  });

  beforeEach(() => {
    output.length = 0;
    write = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      output.push(String(chunk));
      return true;
    });
  });
  afterEach(() => write.mockRestore());

  /** Edits the JWT_SECRET entry's consumers in the working tree, as a PR would. */
  const setJwtConsumers = (consumers: string) => {
    const file = path.join(repo, "catalog", "index.ts");
    const text = fs.readFileSync(file, "utf8");
    const at = text.indexOf('name: "JWT_SECRET"');
    const edited =
      text.slice(0, at) +
      text.slice(at).replace(/consumers: \[[^\]]*\]/, `consumers: ${consumers}`);
    expect(edited).not.toBe(text);
    fs.writeFileSync(file, edited);
  };

  test("a PR that adds the worker as a consumer of JWT_SECRET shows exactly that grant, and passes", async () => {
    setJwtConsumers('["api", "worker"]');
    const code = await main(
      ["node", "pegasus-secrets", "access-diff", "--base", "main", "--stack", "staging"],
      { projectDir: repo },
    );
    const md = output.join("");
    expect(code).toBe(0);
    expect(md).toContain("**Result:** ✅ no mandatory policy violation (9 policies).");
    expect(md).toContain(
      "**Access granted (roles/secretmanager.secretAccessor)**\n\n| Variable | Consumer | Identity | Secret ID |\n|---|---|---|---|\n| `JWT_SECRET` | worker | `serviceAccount:staging-worker@pegasus-staging.iam.gserviceaccount.com` | `staging-jwt-secret` |\n\n",
    );
    for (const absent of [
      "Access revoked",
      "Secrets added",
      "Secrets removed",
      "Rotations",
      "No longer delivered",
    ]) {
      expect(md).not.toContain(absent);
    }
    // Deliveries (when platforms are configured) may add the worker's JWT_SECRET, and nothing else.
    const delivered = [...md.matchAll(/^\| `([A-Z_]+)` \| (\w+) \| (render|fly|railway) \|/gm)].map(
      (m) => [m[1], m[2]],
    );
    expect(delivered.every(([v, c]) => v === "JWT_SECRET" && c === "worker")).toBe(true);
    expect(md).toContain("**Policy:** ✅ passes all 9 policies.");
  }, 120_000);

  test("a PR that routes a secret to mobile fails the check with the catalog's message, and the base is cleaned up", async () => {
    setJwtConsumers('["api", "mobile"]');
    const errors: string[] = [];
    const err = jest
      .spyOn(process.stderr, "write")
      .mockImplementation((chunk: string | Uint8Array) => {
        errors.push(String(chunk));
        return true;
      });
    try {
      // Through the CLI, as CI runs it: the Markdown on stdout, exit 1, the reason on stderr.
      const diffCode = await main(
        ["node", "pegasus-secrets", "access-diff", "--base", "pre-stacks", "--stack", "staging"],
        { projectDir: repo },
      );
      const md = output.join("");
      expect(diffCode).toBe(1);
      expect(md).toContain("**Result:** ❌ the check fails for `staging`.");
      expect(md).toContain("❌ **This change does not evaluate**");
      expect(md).toContain(
        "`catalog[JWT_SECRET].consumers`: a secret is routed to `mobile`; the guide forbids secrets in mobile bundles. Fix: remove `mobile` from its consumers, or make the value plain config if it is truly public.",
      );
      expect(errors.join("")).toBe(
        'error: the access diff check fails for "staging": see the report above.\n',
      );
      errors.length = 0;
      output.length = 0;

      const code = await main(["node", "pegasus-secrets", "policy-check", "--stack", "staging"], {
        projectDir: repo,
      });
      expect(code).toBe(1);
      expect(output.join("")).toContain(
        'Stack "staging": FAILED, the program does not evaluate, so no policy could run:',
      );
      expect(errors.join("")).toBe('error: policy check failed for "staging" (see above).\n');
    } finally {
      err.mockRestore();
    }
    // No base checkout of this repository is left behind (others' runs may have their own).
    const ours = fs.readdirSync(os.tmpdir()).filter((f) => {
      if (!f.startsWith("pegasus-base-")) return false;
      try {
        return fs.readlinkSync(path.join(os.tmpdir(), f, "node_modules")).startsWith(repo);
      } catch {
        return false;
      }
    });
    expect(ours).toEqual([]);
  }, 120_000);

  test("a stack on neither side is a usage error naming the stacks of both sides; one on either side is compared", async () => {
    const errors: string[] = [];
    const err = jest
      .spyOn(process.stderr, "write")
      .mockImplementation((chunk: string | Uint8Array) => {
        errors.push(String(chunk));
        return true;
      });
    try {
      // At `pre-stacks` there is no stack file: the stacks are the working tree's.
      const code = await main(
        ["node", "pegasus-secrets", "access-diff", "--base", "pre-stacks", "--stack", "prod"],
        { projectDir: repo },
      );
      expect(code).toBe(2);
      expect(errors.join("")).toBe(
        'error: unknown stack "prod". The stacks of this project (one Pulumi.<stack>.yaml each): staging, production. Did you mean production?\nFix: npx pegasus-secrets access-diff --base pre-stacks --stack production\n',
      );
      expect(output.join("")).toBe("");
    } finally {
      err.mockRestore();
    }
    await expect(
      accessDiff({ projectDir: repo, base: "pre-stacks", stacks: ["staging", "qa"] }),
    ).rejects.toThrow(
      'unknown stack "qa". The stacks of this project (one Pulumi.<stack>.yaml each): staging, production.\nFix: use --stack staging or --stack production; a new stack needs its own file first (pulumi stack init qa).',
    );
  });

  test("an unknown base ref is refused with the fix", async () => {
    await expect(accessDiff({ projectDir: repo, base: "origin/no-such-branch" })).rejects.toThrow(
      'The base revision "origin/no-such-branch" is not in this repository. Fetch it first (in CI: actions/checkout with `fetch-depth: 0`, or `git fetch origin no-such-branch`).',
    );
  });
});
