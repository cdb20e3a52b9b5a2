// The gate as CI runs it. A throwaway repository made from this working tree gets a base commit and
// a head commit per scenario; each commit is checked out into its own folder (as the workflow's two
// checkouts do), the head's node_modules linked in (its `npm ci`), and then the `run:` steps of the
// `gate` job of .github/workflows/pull_request.yml run in bash, in order, with the runner's output
// and summary files: the base's CLI lints the head's tree and records and judges both.
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { main } from "../../../cli/main";
import { accessDiff } from "../../../cli/review/accessDiff";
import { copyProject, PROJECT_DIR } from "../../helpers";

type Step = {
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  "working-directory"?: string;
};
const gateSteps = (root: string): Step[] =>
  (
    YAML.parse(fs.readFileSync(path.join(root, ".github/workflows/pull_request.yml"), "utf8")) as {
      jobs: { gate: { steps: Step[] } };
    }
  ).jobs.gate.steps;

let repo: string;
const workspaces: string[] = [];
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
    {
      cwd: repo,
      encoding: "utf8",
    },
  ).trim();

beforeAll(() => {
  repo = copyProject("pegasus-gate-").dir;
  // The spec a pull request would edit together with the catalog: part of the base commit.
  fs.mkdirSync(path.join(repo, "test", "policy"), { recursive: true });
  fs.copyFileSync(
    path.join(PROJECT_DIR, "test/policy/matrix.spec.ts"),
    path.join(repo, "test/policy/matrix.spec.ts"),
  );
  fs.writeFileSync(path.join(repo, ".gitignore"), "node_modules\n");
  // One stack is enough to show the gate (test/cli/review/policyCheck.spec.ts records both), and each
  // recording costs seconds.
  fs.rmSync(path.join(repo, "Pulumi.production.yaml"));
  git("init", "-q", "-b", "main");
  git("add", "-A", "--", ".", ":(exclude)Pulumi.*.yaml");
  git("commit", "-qm", "program");
  git("tag", "pre-stacks");
  git("add", "-A");
  git("commit", "-qm", "base");
});
afterAll(() => {
  for (const w of [repo, ...workspaces]) fs.rmSync(w, { recursive: true, force: true });
});

/** Edits a file of the working tree of the throwaway repository, checking the edit happened. */
function edit(file: string, from: string | RegExp, to: string) {
  const p = path.join(repo, file);
  const text = fs.readFileSync(p, "utf8");
  const next = text.replace(from, to);
  expect(next).not.toBe(text);
  fs.writeFileSync(p, next);
}

/** Commits the edits as the head of a pull request on `main`, and runs the gate job on it. */
function pullRequest(name: string, edits: () => void) {
  git("checkout", "-q", "-B", name, "main");
  try {
    edits();
    git("add", "-A");
    git("commit", "-qm", name);
  } finally {
    // A failed edit leaves nothing behind for the next scenario.
    git("reset", "-q", "--hard");
    git("clean", "-qfd");
  }
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-gate-ws-"));
  workspaces.push(ws);
  for (const [dir, rev] of [
    ["head", name],
    ["base", "main"],
  ]) {
    fs.mkdirSync(path.join(ws, dir));
    execFileSync("sh", ["-c", `git archive ${rev} | tar -x -C "${path.join(ws, dir)}"`], {
      cwd: repo,
    });
  }
  // `npm ci` in head/: the same installation, linked.
  fs.symlinkSync(
    path.join(PROJECT_DIR, "node_modules"),
    path.join(ws, "head", "node_modules"),
    "dir",
  );
  git("checkout", "-q", "main");

  return runGate(ws);
}

/** Runs the `run:` steps of the gate job in `ws` (holding head/ and base/) as the runner would. */
function runGate(ws: string) {
  const outputs: Record<string, Record<string, string>> = {};
  const ran: string[] = [];
  for (const step of gateSteps(path.join(ws, "head"))) {
    if (step.uses || !step.run || step["working-directory"] === "head") continue; // checkouts, setup-node, npm ci
    if (step.id === "link" && fs.existsSync(path.join(ws, "base", "node_modules"))) continue;
    if (step.if && !condition(step.if, outputs)) continue;
    const outFile = path.join(ws, `output-${ran.length}`);
    fs.writeFileSync(outFile, "");
    const env = Object.fromEntries(
      Object.entries(step.env ?? {}).map(([k, v]) => [
        k,
        v.replace(/\$\{\{ steps\.(\w+)\.outputs\.(\w+) \}\}/g, (_, s, o) => outputs[s]?.[o] ?? ""),
      ]),
    );
    const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run], {
      cwd: ws,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        HOME: os.tmpdir(),
        GITHUB_OUTPUT: outFile,
        GITHUB_STEP_SUMMARY: path.join(ws, "summary.md"),
        ...env,
      },
      timeout: 120_000,
    });
    ran.push(`${step.id}:${r.status}`);
    outputs[step.id ?? ""] = Object.fromEntries(
      fs
        .readFileSync(outFile, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split("=") as [string, string]),
    );
    if (r.status !== 0) {
      outputs[step.id ?? ""].stdout = r.stdout;
      break;
    }
  }
  const read = (f: string) =>
    fs.existsSync(path.join(ws, f)) ? fs.readFileSync(path.join(ws, f), "utf8") : "";
  return { ws, ran, outputs, comment: read("access-diff.md"), summary: read("summary.md") };
}

/** The workflow's `if:` expressions of the gate job: `steps.<id>.outputs.<key> != '<v>'`, joined by `||`. */
function condition(expr: string, outputs: Record<string, Record<string, string>>): boolean {
  return expr.split("||").some((part) => {
    const m = /steps\.(\w+)\.outputs\.(\w+) != '([^']*)'/.exec(part.trim());
    if (!m) throw new Error(`the test cannot evaluate ${part}`);
    return outputs[m[1]]?.[m[2]] !== m[3];
  });
}

const SIGNING_ROW =
  "\\| `JWT_SECRET` / signing keys \\| ✅ \\| ❌ \\| ❌ \\| ❌ \\| rotate with overlap window \\|";

test("a head that grants JWT_SECRET to the worker while editing the catalog, the matrix spec and the policy is blocked by the base, naming the guide row", () => {
  const literal = randomBytes(32).toString("hex");
  const pr = pullRequest("jwt-to-worker", () => {
    edit(
      "catalog/index.ts",
      /(name: "JWT_SECRET",[\s\S]*?consumers: )\["api"\]/,
      '$1["api", "worker"]',
    );
    // The policy, weakened in the same change: its matrix now lets the worker have signing keys.
    edit(
      "policy/matrix.ts",
      '{ variable: "JWT_SECRET", kind: "secret", cells: cells(A, F, F, F)',
      '{ variable: "JWT_SECRET", kind: "secret", cells: cells(A, A, F, F)',
    );
    // And the spec that would have caught it, weakened too.
    edit("test/policy/matrix.spec.ts", /\[\s*"JWT_SECRET to the worker",[^\]]*\],[^\]]*\],\n/, "");
    // A literal in a Render Blueprint deep in the tree.
    fs.mkdirSync(path.join(repo, "services/api"), { recursive: true });
    fs.writeFileSync(
      path.join(repo, "services/api/render.yaml"),
      "services:\n  - type: web\n    name: api\n    envVars:\n      - key: JWT_SECRET\n        value: v\n",
    );
    // And a signing key written in the program, a random hex string secretlint does not know.
    edit(
      "stacks/values.ts",
      "return { current: g.value, previous: g.previousValue };",
      `const signingKey = "${literal}";\n        return { current: pulumi.output(signingKey), previous: g.previousValue };`,
    );
  });
  expect(pr.ran).toEqual(["link:0", "bootstrap:0", "lint:0", "diff:0", "verdict:1"]);
  expect(pr.outputs.lint.status).toBe("1");
  expect(pr.outputs.diff.status).toBe("1");
  expect(pr.comment).toContain("**Result:** ❌ the check fails for `staging`.");
  expect(pr.comment).toContain(`❌ \`ownership-matrix\` (guide: "${SIGNING_ROW}")`);
  expect(pr.comment).toContain(
    "catalog/index.ts grants JWT_SECRET to worker, but policy/matrix.ts (the guide's ownership matrix) forbids JWT_SECRET for worker",
  );
  expect(pr.comment).toMatch(
    /\| `secret-values-from-secret-sources` \| mandatory \| `jwt-secret-version-[0-9a-f]+` \| jwt-secret-version-[0-9a-f]+ \(SecretVersion\) receives `secretData` that comes from no random resource/,
  );
  expect(pr.comment).toContain("🛡️ **This change changes the rules**");
  expect(pr.comment).toContain("- `policy/matrix.ts`");
  expect(pr.comment).toContain("services/api/render.yaml:5: JWT_SECRET [render-secret-value]");
  expect(pr.summary).toBe(pr.comment);
  // What the runner keeps (the report, the summary, the lint output, the outputs) never holds it.
  const files = fs.readdirSync(pr.ws).filter((f) => fs.statSync(path.join(pr.ws, f)).isFile());
  expect(files.map((f) => fs.readFileSync(path.join(pr.ws, f), "utf8")).join("")).not.toContain(
    literal,
  );

  // The head judging its own catalog with its own weakened matrix, as before the gate: it passes.
  const own = require(
    path.join(pr.ws, "head/policy/rules.ts"),
  ) as typeof import("../../../policy/rules");
  const headCatalog = (
    require(path.join(pr.ws, "head/catalog/index.ts")) as typeof import("../../../catalog")
  ).CATALOG;
  const ctx = own.contextFromConfig("staging", { "gcp:project": "pegasus-staging" });
  const rows = headCatalog.map((e) => ({
    name: e.name,
    kind: e.kind,
    consumers: [...e.consumers],
    usage: e.kind === "secret" ? e.usage : undefined,
  }));
  expect(
    own.checkStack([], {
      ...ctx,
      offline: { provenance: [], leaks: [], catalog: rows, localEnv: [] },
    }),
  ).toEqual([]);
}, 120_000);

test("a head that only changes a rule passes, and is marked as changing the rules", () => {
  const pr = pullRequest("rule-only", () => {
    edit(
      "policy/valuePolicies.ts",
      "(deploy|deployer|deployment|pulumi|terraform|preview)",
      "(deploy|deployer|deployment|pulumi|terraform|preview|admin)",
    );
  });
  expect(pr.ran).toEqual(["link:0", "bootstrap:0", "lint:0", "diff:0"]);
  expect(pr.outputs).toMatchObject({ lint: { status: "0" }, diff: { status: "0" } });
  expect(pr.comment).toContain(
    "🛡️ **This change changes the rules**: it edits what judges changes, so it needs an owner's review (.github/CODEOWNERS)",
  );
  expect(pr.comment).toContain("- `policy/valuePolicies.ts`");
  expect(pr.comment).toContain("**Result:** ✅ no mandatory policy violation");
  expect(pr.comment).toContain("No access changes.");
  // The base is named as the job checked it out (a git checkout also shows its commit).
  expect(pr.comment).toContain("Base `base` → this change.");

  // A base that predates the gate cannot judge: the job stops there, failed, before anything runs.
  const old = path.join(pr.ws, "base", "cli", "commands", "accessDiff.ts");
  fs.writeFileSync(old, fs.readFileSync(old, "utf8").replace(/--base-project/g, "--base-tree"));
  fs.rmSync(path.join(pr.ws, "access-diff.md"));
  const stale = runGate(pr.ws);
  expect(stale.ran).toEqual(["bootstrap:1"]);
  expect(stale.outputs.bootstrap.stdout).toContain(
    "::error::The base commit has no base-judged gate, so it cannot judge this change",
  );
  expect(stale.comment).toBe("");
}, 120_000);

test("a head whose catalog routes a secret to mobile does not evaluate, and the base says so", async () => {
  git("checkout", "-q", "-B", "to-mobile", "main");
  edit(
    "catalog/index.ts",
    /(name: "JWT_SECRET",[\s\S]*?consumers: )\["api"\]/,
    '$1["api", "mobile"]',
  );
  try {
    const out: string[] = [];
    const write = jest
      .spyOn(process.stdout, "write")
      .mockImplementation((c: string | Uint8Array) => (out.push(String(c)), true));
    const err = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      // The working tree against a git ref: the `--base` form a developer runs before pushing.
      // Its base (before the stack files) has nothing to record, so only the head is planned.
      const code = await main(
        ["node", "pegasus-secrets", "access-diff", "--base", "pre-stacks", "--stack", "staging"],
        { projectDir: repo },
      );
      expect(code).toBe(1);
    } finally {
      write.mockRestore();
      err.mockRestore();
    }
    expect(out.join("")).toContain("❌ **This change does not evaluate**");
    expect(out.join("")).toContain(
      "`catalog[JWT_SECRET].consumers`: a secret is routed to `mobile`",
    );
  } finally {
    git("reset", "-q", "--hard");
    git("checkout", "-q", "main");
  }
}, 120_000);

test("usage errors: an unknown base ref, a stack on neither side, no base at all", async () => {
  await expect(accessDiff({ projectDir: repo, base: "origin/no-such-branch" })).rejects.toThrow(
    'The base revision "origin/no-such-branch" is not in this repository. Fetch it first',
  );
  await expect(accessDiff({ projectDir: repo, base: "main", stacks: ["stg"] })).rejects.toThrow(
    'unknown stack "stg". The stacks of this project (one Pulumi.<stack>.yaml each): staging. Did you mean staging?\nFix: use --stack staging.',
  );
  await expect(accessDiff({ projectDir: repo })).rejects.toThrow(
    "Give the base either as a git ref (--base) or as a checked-out folder (--base-project).",
  );
});
