import * as path from "path";
import {
  applied,
  cli,
  logEntries,
  ok,
  pulumiUp,
  refusal,
  TempProject,
  tempProject,
} from "./helpers";

describe("applied", () => {
  let p: TempProject;
  beforeEach(() => {
    p = tempProject("2026-11-29T03:00:00Z");
  });
  afterEach(() => p.cleanup());

  it("records what the stack's outputs say it runs, with the workflow run that applied it", async () => {
    await ok(p, ["rotate", "JWT_SECRET", "--stack", "staging", "--operator", "alice"]);
    Object.assign(p.env, {
      GITHUB_SERVER_URL: "https://github.example",
      GITHUB_REPOSITORY: "pegasus/secrets",
      GITHUB_RUN_ID: "4242",
      GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
    });
    const r = await applied(p, "staging");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^Recorded: staging runs .*JWT_SECRET 2026-11-29\.1.* \(operations\/log\.jsonl line 2\)\.\nPrevious values still live: JWT_SECRET\.\nNext: npx pegasus-secrets verify --stack staging --operator <you>$/,
    );
    expect(logEntries(p)[1]).toMatchObject({
      action: "applied",
      ts: "2026-11-29T03:00:00Z",
      operator: "ci",
      stack: "staging",
      previousKeepers: { JWT_SECRET: "initial" },
      source: "pulumi stack output",
      run: "https://github.example/pegasus/secrets/actions/runs/4242",
      commit: "0123456789abcdef0123456789abcdef01234567",
    });
    expect(logEntries(p)[1].keepers.JWT_SECRET).toBe("2026-11-29.1");
  });

  it("reads outputs a workflow saved to a file", async () => {
    pulumiUp(p, "production");
    const file = path.join(p.dir, "outputs.json");
    p.write("outputs.json", p.outputs.production);
    const r = await cli(p, [
      "applied",
      "--stack",
      "production",
      "--operator",
      "ci",
      "--outputs",
      file,
    ]);
    expect(r.code).toBe(0);
    expect(logEntries(p)[0]).toMatchObject({ stack: "production", source: file });
  });

  describe("refuses anything that is not this stack's outputs, recording nothing", () => {
    const refused = async (message: string, extra: string[] = [], probe?: () => unknown) => {
      const r = await cli(
        p,
        ["applied", "--stack", "staging", "--operator", "ci", ...extra],
        probe ? { probe: probe as never } : {},
      );
      expect(refusal(r)).toBe(message);
      expect(r.code).toBe(1);
      expect(logEntries(p)).toEqual([]);
    };

    it("no Pulumi CLI, a stack never applied, a missing file", async () => {
      await refused(
        "Cannot read the outputs of staging: the Pulumi CLI is not available here. Install it and log in to the stack's backend, or pass the outputs a workflow saved: --outputs <file>.",
        [],
        () => ({ status: null, stdout: "" }),
      );
      await refused(
        "Cannot read the outputs of staging: pulumi stack output failed (error: no stack named 'staging' found). Log in to the stack's backend (pulumi login), or pass --outputs <file>.",
      );
      await refused(
        "--outputs nowhere.json does not exist: save pulumi stack output --json --stack staging to it first.",
        ["--outputs", "nowhere.json"],
      );
    });

    it("not JSON, another program's outputs, another stack's, keepers that are not maps", async () => {
      const saved = (text: string) => {
        p.write("o.json", text);
        return ["--outputs", path.join(p.dir, "o.json")];
      };
      const src = path.join(p.dir, "o.json");
      await refused(
        `${src} is not the JSON of \`pulumi stack output --json --stack staging\`. Run that command after a successful pulumi up and pass its output.`,
        saved("Current stack outputs (3):"),
      );
      await refused(
        `${src} has no rotationKeepers, previousKeepers output: it is not the outputs of this program's stack staging, or the stack was last applied by a version that did not export them. Run pulumi up --stack staging with this version first.`,
        saved(JSON.stringify({ stack: "staging" })),
      );
      pulumiUp(p, "production");
      await refused(
        `${src} holds the outputs of stack production, not staging: record each stack with its own outputs.`,
        saved(p.outputs.production),
      );
      await refused(
        `${src}: rotationKeepers and previousKeepers must be maps of variable to keeper; they are not, so nothing was recorded.`,
        saved(JSON.stringify({ stack: "staging", rotationKeepers: ["x"], previousKeepers: {} })),
      );
    });
  });
});
