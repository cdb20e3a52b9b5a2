// The `plan` command: the plan feature wired to the rotation runbook's warnings, behind the package's
// bin. The plan runs once, as a child process, in a copy of the project whose operations log records
// an old production rotation.
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { main } from "../../../cli/main";
import { OpsContext } from "../../../cli/runbook/context";
import { copyProject, PROJECT_DIR } from "../../helpers";

const run = promisify(execFile);
const DAY_MS = 86_400_000;

/** Runs the CLI in-process against a project folder, capturing what it writes. */
async function cli(
  args: string[],
  projectDir: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = jest
    .spyOn(process.stdout, "write")
    .mockImplementation((s) => ((stdout += String(s)), true));
  const err = jest
    .spyOn(process.stderr, "write")
    .mockImplementation((s) => ((stderr += String(s)), true));
  try {
    const code = await main(["node", "pegasus-secrets", ...args], { projectDir });
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

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
    expect(plan.warnings[2]).toMatch(/^6 production secret\(s\) have no recorded rotation \(/);
  } finally {
    project.cleanup();
  }
}, 60_000);

describe("plan, in process", () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-plan-"));
    fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(tmp, "Pulumi.yaml"));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("exits 2 with the validation error when the stack's config is invalid", async () => {
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
    const r = await cli(["plan", "--stack", "staging"], tmp);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      'Invalid configuration for stack "staging":\n  - `gcp:project`: "Not_A_Project" is not valid: expected 6 to 30 characters: lower-case letters, digits and hyphens, starting with a letter. Fix: pulumi config set gcp:project my-gcp-project --stack staging\n',
    );
  });
});
