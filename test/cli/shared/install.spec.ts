// Starting the CLI: without `npm ci` it says so in one line (no Node stack trace), and the
// README's npm script runs the package's own bin. As child processes, in copies of the project.
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { copyProject, PROJECT_DIR, runCli } from "../../helpers";

describe("starting the CLI", () => {
  let project: { dir: string; cleanup(): void };
  beforeEach(() => {
    project = copyProject("pegasus-install-");
    fs.rmSync(path.join(project.dir, "node_modules"));
  });
  afterEach(() => project.cleanup());

  const fix = (dir: string, missing: string) =>
    `pegasus-secrets: its dependencies are not installed (${missing} is missing). Fix: run npm ci in ${dir} first.\n`;

  it("without npm ci, says to run it first, in one line, exit 2", async () => {
    const r = await runCli(project.dir, ["plan", "--stack", "staging"]);
    const first = Object.keys(
      JSON.parse(fs.readFileSync(path.join(project.dir, "package.json"), "utf8")).dependencies,
    )[0];
    expect(r).toEqual({ code: 2, stdout: "", stderr: fix(project.dir, first) });
  });

  it("with an install that lacks one dependency (package.json changed since), names it", async () => {
    const modules = path.join(project.dir, "node_modules");
    fs.mkdirSync(modules);
    const deps = Object.keys(
      JSON.parse(fs.readFileSync(path.join(project.dir, "package.json"), "utf8")).dependencies,
    );
    const lacking = deps[deps.length - 1];
    for (const d of deps.slice(0, -1)) {
      fs.mkdirSync(path.dirname(path.join(modules, d)), { recursive: true });
      fs.symlinkSync(path.join(PROJECT_DIR, "node_modules", d), path.join(modules, d), "dir");
    }
    const r = await runCli(project.dir, ["--version"]);
    expect(r).toEqual({ code: 2, stdout: "", stderr: fix(project.dir, lacking) });
  });
});

test("npm run plan -- <args> runs the package's own bin (the README's documented form)", async () => {
  const project = copyProject("pegasus-npm-plan-");
  try {
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        "npm",
        ["run", "--silent", "plan", "--", "--stak", "staging"],
        { cwd: project.dir },
        (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
      ),
    );
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "error: unknown option --stak for plan. Did you mean --stack?\nFix: npx pegasus-secrets plan --stack staging\n",
    });
  } finally {
    project.cleanup();
  }
});
