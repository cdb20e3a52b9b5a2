// The `plan` command behind the package's bin and its npm script, run as a child process in a copy
// of the project with the fixture stacks: the summary's order (what stands before a real pulumi up
// first, a short summary last), its width and colour, the JSON through a slow pipe, and every
// refusal of a stack file it cannot read (exit 2, file, line, column and the fix).
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { main } from "../../../cli/main";
import { OpsContext } from "../../../cli/runbook/context";
import { fixtureProject } from "../../fixtures";
import { copyProject, runCli, runMain } from "../../helpers";

const run = promisify(execFile);
const DAY_MS = 86_400_000;

test("prints the whole JSON plan of production through the package's bin into a slow pipe, every value redacted, with the runbook's warnings", async () => {
  const project = copyProject("pegasus-plan-cmd-");
  try {
    // A break-glass rotation 100 days ago (break-glass: production without staging first).
    const then = new Date(Date.now() - 100 * DAY_MS - 60_000);
    const ctx: OpsContext = { projectDir: project.dir, now: () => then };
    const silent = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      const args = [
        "rotate",
        "AWS_SECRET_ACCESS_KEY",
        "--stack",
        "production",
        "--operator",
        "alice",
      ];
      const code = await main(
        ["node", "pegasus-secrets", ...args, "--break-glass", "--incident", "INC-1"],
        ctx,
      );
      expect(code).toBe(0);
    } finally {
      silent.mockRestore();
    }
    // The plan is larger than a pipe's buffer: a reader that starts late must still get all of it.
    const bin = path.join(project.dir, "bin/pegasus-secrets.js");
    const { stdout } = await run(
      "sh",
      ["-c", `"$0" "$1" plan --stack production --json | (sleep 1; cat)`, process.execPath, bin],
      { cwd: os.tmpdir(), maxBuffer: 64 * 1024 * 1024 },
    );
    expect(stdout.length).toBeGreaterThan(65536);
    const plan = JSON.parse(stdout);
    expect(plan.stack).toBe("production");
    expect(plan.resources.length).toBeGreaterThan(50);
    for (const r of plan.resources)
      expect(Object.keys(r)).toEqual(expect.arrayContaining(["type", "name", "parent", "inputs"]));
    expect(plan.access[0]).toEqual({
      variable: expect.any(String),
      secretId: expect.stringMatching(/^production-/),
      consumer: expect.stringMatching(/^(api|worker|ci)$/),
      member: expect.stringMatching(/^serviceAccount:/),
    });
    const versions = plan.resources.filter(
      (r: { type: string }) => r.type === "gcp:secretmanager/secretVersion:SecretVersion",
    );
    expect(
      versions.every((v: { inputs: { secretData: string } }) => v.inputs.secretData === "[secret]"),
    ).toBe(true);
    expect(plan.externalValues.find((e: { key: string }) => e.key === "redisUrl")).toEqual({
      key: "redisUrl",
      variable: "REDIS_URL",
      scope: "shared",
      state: "unset",
      command: "pulumi config set --secret redisUrl --stack production",
    });
    const ts = then.toISOString().replace(/\.\d{3}Z$/, "Z");
    expect(plan.warnings[0]).toMatch(/^production has no `notifications`/);
    expect(plan.warnings[1]).toBe(
      `AWS_SECRET_ACCESS_KEY in production was last rotated 100 days ago (${ts}), past its 90-day limit: npx pegasus-secrets rotate AWS_SECRET_ACCESS_KEY --stack staging --operator <you>, then production.`,
    );
    // A value nothing dates yet is not a warning: rotation-status lists it as unrecorded.
    expect(plan.warnings).toHaveLength(2);
  } finally {
    project.cleanup();
  }
}, 60_000);

test("npm run plan -- --stack staging starts with what stands before a real pulumi up and ends with a summary, 100 columns wide and without colour in a pipe", async () => {
  const project = copyProject("pegasus-plan-text-");
  try {
    // Two placeholders and one external value set, in the copy: the block lists exactly what is left.
    const file = path.join(project.dir, "Pulumi.staging.yaml");
    const text = fs
      .readFileSync(file, "utf8")
      .replace(/ownerId: \S+/, "ownerId: tea-examplestaging0")
      .replace(/PUBLIC_API_URL: \S+/, "PUBLIC_API_URL: https://api.staging.pegasus.example")
      .replace(
        /^config:\n/m,
        `config:\n  pegasus-secrets:redisUrl:\n    secure: v1:${"A".repeat(24)}\n`,
      );
    fs.writeFileSync(file, text);
    const { stdout, stderr } = await run(
      "npm",
      ["run", "--silent", "plan", "--", "--stack", "staging"],
      {
        cwd: project.dir,
        env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined },
        maxBuffer: 16 << 20,
      },
    );
    expect(stderr).toBe("");
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(
      'Offline plan of stack "staging" (GCP project pegasus-staging): 120 resources, values shown as',
    );
    const block = stdout.slice(
      stdout.indexOf("\nBefore a real pulumi up\n"),
      stdout.indexOf("\nSecrets ("),
    );
    expect(lines[3]).toBe("Before a real pulumi up");
    expect(block).toBe(
      [
        "",
        "Before a real pulumi up",
        "  Replace 2 placeholders (example values from the repository; a real pulumi up refuses them):",
        '    targets.render.ownerId: "tea-examplestaging0" is a placeholder Render workspace ID',
        "      pulumi config set --path 'targets.render.ownerId' tea-<your workspace ID> --stack staging",
        '    plain.PUBLIC_API_URL: "https://api.staging.pegasus.example" is a placeholder URL',
        "      pulumi config set --path 'plain.PUBLIC_API_URL' https://<your host> --stack staging",
        "  Set 4 external values, encrypted: pulumi up refuses to run until each is set.",
        "    pulumi config set --secret openaiApiKeyApi --stack staging   (OPENAI_API_KEY for api)",
        "    pulumi config set --secret openaiApiKeyWorker --stack staging   (OPENAI_API_KEY for worker)",
        "    pulumi config set --secret openaiApiKeyCi --stack staging   (OPENAI_API_KEY for ci)",
        "    pulumi config set --secret webhookSharedSecret --stack staging   (WEBHOOK_SHARED_SECRET)",
        "  Export 3 platform tokens in the environment of pulumi up (never in config; docs/platforms.md):",
        "    RENDER_API_KEY (Render), FLY_API_TOKEN (Fly.io), RAILWAY_API_TOKEN (Railway)",
        "  Then: npx pegasus-secrets doctor --stack staging checks all of this, and your Pulumi CLI, login",
        "    and credentials.",
        "",
      ].join("\n"),
    );
    expect(lines.slice(-3)).toEqual([
      "Summary: 14 secrets, 16 access grants, 6 platform deliveries (render, fly, railway), 0 warnings.",
      "Before a real pulumi up: replace 2 placeholders, set 4 external values, export 3 platform tokens",
      "  (listed at the top); then npx pegasus-secrets doctor --stack staging.",
    ]);
    // An example ID is never shown as if it were real.
    expect(stdout).toContain("(workspace tea-examplestaging0 [placeholder])");
    expect(stdout).not.toContain("Resources by type");
    expect(lines.filter((l) => l.length > 100)).toEqual([]);
    expect(stdout).not.toContain("\u001b[");
  } finally {
    project.cleanup();
  }
}, 60_000);

describe("a stack or project file the plan cannot read: exit 2, where, and the fix", () => {
  let project: { dir: string; cleanup(): void };
  let staging: string;
  let pulumiYaml: string;
  beforeAll(() => {
    project = copyProject("pegasus-plan-yaml-");
    staging = fs.readFileSync(path.join(project.dir, "Pulumi.staging.yaml"), "utf8");
    pulumiYaml = fs.readFileSync(path.join(project.dir, "Pulumi.yaml"), "utf8");
  });
  afterEach(() => {
    fs.writeFileSync(path.join(project.dir, "Pulumi.staging.yaml"), staging);
    fs.writeFileSync(path.join(project.dir, "Pulumi.yaml"), pulumiYaml);
  });
  afterAll(() => project.cleanup());

  const lineOf = (text: string, needle: string) =>
    text.split("\n").findIndex((l) => l.includes(needle)) + 1;
  const unreadable = (file: string, where: string, problem: string, fix: string) =>
    `${file} cannot be read as settings:\n  - \`${where}\`: ${problem} Fix: ${fix}\n`;
  const invalid = (key: string, problem: string, fix: string) =>
    `Invalid configuration for stack "staging":\n  - \`${key}\`: ${problem} Fix: ${fix}\n`;

  it.each<[string, string, (s: string) => string, (s: string) => string]>([
    [
      "a bracket left open in the stack file",
      "Pulumi.staging.yaml",
      (s) => s.replace("  gcp:region: europe-west1\n", "  gcp:region: [europe-west1\n"),
      (s) =>
        unreadable(
          "Pulumi.staging.yaml",
          `Pulumi.staging.yaml:${lineOf(s, "gcp:region") + 1}:3`,
          "is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ].",
          "close the `[` or `{` opened above with its `]` or `}`, or quote the value if the bracket is part of it.",
        ),
    ],
    [
      "a YAML error in Pulumi.yaml",
      "Pulumi.yaml",
      (s) => s.replace(/^name: pegasus-secrets$/m, "name: @pegasus-secrets"),
      () =>
        unreadable(
          "Pulumi.yaml",
          "Pulumi.yaml:1:7",
          "is not valid YAML: Plain value cannot start with reserved character @.",
          'quote the value: a plain value cannot start with @ ` | > % or another reserved character ("@value").',
        ),
    ],
    [
      "a duplicate key",
      "Pulumi.staging.yaml",
      (s) =>
        s.replace(
          "  gcp:region: europe-west1\n",
          "  gcp:region: europe-west1\n  gcp:region: us-east1\n",
        ),
      (s) =>
        unreadable(
          "Pulumi.staging.yaml",
          `Pulumi.staging.yaml:${lineOf(s, "us-east1")}:3`,
          "is not valid YAML: Map keys must be unique (`gcp:region` appears twice in the same map).",
          "keep one of the two entries and delete the other.",
        ),
    ],
    [
      "an alias bomb",
      "Pulumi.staging.yaml",
      () =>
        [
          "a: &a [x, x, x, x, x, x, x, x, x, x]",
          ..."bcdefgh".split("").map((k, i) => {
            const prev = "abcdefgh"[i];
            return `${k}: &${k} [${Array(10).fill(`*${prev}`).join(", ")}]`;
          }),
          "",
        ].join("\n"),
      () =>
        unreadable(
          "Pulumi.staging.yaml",
          "Pulumi.staging.yaml:2:8",
          "expands its YAML aliases (*name) into too many values (excessive alias count indicates a resource exhaustion attack).",
          "write the values out: a settings file needs no aliases.",
        ),
    ],
    [
      "a stack file that is a bare string",
      "Pulumi.staging.yaml",
      () => "staging\n",
      () =>
        unreadable(
          "Pulumi.staging.yaml",
          "Pulumi.staging.yaml",
          "is a string, not a map of settings.",
          'make it a map with a `config:` key holding the settings, as in the README\'s "Config reference" (`config:` then `  gcp:project: <project>` on the next line).',
        ),
    ],
    [
      'an external value set to secure: ""',
      "Pulumi.staging.yaml",
      (s) => s.replace(/^config:\n/m, 'config:\n  pegasus-secrets:redisUrl:\n    secure: ""\n'),
      () =>
        invalid(
          "pegasus-secrets:redisUrl",
          "is `secure:` with no ciphertext, so it has no value.",
          "pulumi config set --secret redisUrl --stack staging   (paste the value at the prompt)",
        ),
    ],
    [
      "secure: where a plain value belongs",
      "Pulumi.staging.yaml",
      (s) =>
        s.replace(
          "  pegasus-secrets:owner: platform\n",
          `  pegasus-secrets:owner:\n    secure: v1:${"B".repeat(24)}\n`,
        ),
      () =>
        invalid(
          "pegasus-secrets:owner",
          "is encrypted (`secure:`), but it is plain config, not a secret: only the external values are encrypted.",
          "pulumi config rm pegasus-secrets:owner --stack staging, then pulumi config set pegasus-secrets:owner <value> --stack staging   (without --secret).",
        ),
    ],
  ])("%s", async (_what, file, edit, message) => {
    const target = path.join(project.dir, file);
    const text = edit(fs.readFileSync(target, "utf8"));
    fs.writeFileSync(target, text);
    // In process: the same code the bin runs; the bin itself is the next test's.
    const r = await runMain(project.dir, ["plan", "--stack", "staging"]);
    expect(r).toEqual({ code: 2, stdout: "", stderr: message(text) });
  });

  it("refuses through the package's bin too: exit 2, the message alone on stderr", async () => {
    const target = path.join(project.dir, "Pulumi.staging.yaml");
    fs.writeFileSync(target, "staging\n");
    const r = await runCli(project.dir, ["plan", "--stack", "staging"]);
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr: unreadable(
        "Pulumi.staging.yaml",
        "Pulumi.staging.yaml",
        "is a string, not a map of settings.",
        'make it a map with a `config:` key holding the settings, as in the README\'s "Config reference" (`config:` then `  gcp:project: <project>` on the next line).',
      ),
    });
  });
});

describe("plan, in process", () => {
  it("exits 2 with the validation error when the stack's config is invalid", async () => {
    const fixture = fixtureProject();
    const tmp = fixture.dir;
    try {
      fs.writeFileSync(
        path.join(tmp, "Pulumi.staging.yaml"),
        [
          "config:",
          "  gcp:project: Not_A_Project",
          "  pegasus-secrets:owner: platform",
          "  pegasus-secrets:plain:",
          "    PLC_STORAGE_DIR: /srv/x",
          "    PUBLIC_API_URL: https://api.example",
          "",
        ].join("\n"),
      );
      let stderr = "";
      const err = jest
        .spyOn(process.stderr, "write")
        .mockImplementation((s) => ((stderr += String(s)), true));
      const out = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
      try {
        const code = await main(["node", "pegasus-secrets", "plan", "--stack", "staging"], {
          projectDir: tmp,
        });
        expect(code).toBe(2);
      } finally {
        err.mockRestore();
        out.mockRestore();
      }
      expect(stderr).toBe(
        'Invalid configuration for stack "staging":\n  - `gcp:project`: "Not_A_Project" is not valid: expected 6 to 30 characters: lower-case letters, digits and hyphens, starting with a letter. Fix: pulumi config set gcp:project my-gcp-project --stack staging\n',
      );
    } finally {
      fixture.cleanup();
    }
  });
});
