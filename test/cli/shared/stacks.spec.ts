// The stack option every stack-scoped command shares: its choices are the project's stack files, and
// a mistyped name is a usage error (exit 2) naming the closest stack and listing them all. Run through
// the real CLI (the package's bin, as a child process) in a copy of the project with a third stack.
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { main } from "../../../cli/main";
import { closestStack, stacksIn, unknownStackMessage } from "../../../cli/shared/stacks";
import { copyProject } from "../../helpers";

const run = promisify(execFile);

/** Runs the copy's own bin; resolves with the exit code and both streams, whatever the code. */
async function bin(dir: string, args: string[]) {
  try {
    const r = await run(process.execPath, [path.join(dir, "bin", "pegasus-secrets.js"), ...args], {
      cwd: dir,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const invalid = (flag: string, name: string, closest: string) =>
  `error: option '${flag}' argument '${name}' is invalid. Unknown stack "${name}": did you mean "${closest}"? The stacks of this project (Pulumi.<stack>.yaml): staging, production, qa.\n(run with --help for usage)\n`;

describe("the --stack option", () => {
  let project: { dir: string; cleanup(): void };
  beforeAll(() => {
    project = copyProject("pegasus-stacks-");
    // A third stack file, so the choices visibly come from the folder and not from a fixed list.
    fs.copyFileSync(
      path.join(project.dir, "Pulumi.staging.yaml"),
      path.join(project.dir, "Pulumi.qa.yaml"),
    );
  });
  afterAll(() => project.cleanup());

  it("refuses a mistyped stack before doing anything: exit 2, the closest stack and every stack named", async () => {
    const r = await bin(project.dir, ["plan", "--stack", "prod"]);
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr: invalid("-s, --stack <name>", "prod", "production"),
    });
  }, 30_000);

  // Each stack-scoped command, with the refused name, the stack it should suggest, and its flag.
  it.each([
    [["policy-check", "--stack", "staging", "Qa"], "Qa", "qa", "-s, --stack <name...>"],
    [["verify", "--stack", "stagign"], "stagign", "staging"],
    [
      ["rotate", "JWT_SECRET", "--stack", "production2", "--operator", "alice"],
      "production2",
      "production",
    ],
    [["finalize", "JWT_SECRET", "--stack", "q", "--operator", "alice"], "q", "qa"],
    [["evidence", "--stack", "prd"], "prd", "production"],
    [["rotation-status", "--stack", "STAGING-1"], "STAGING-1", "staging"],
    [["log", "--stack", "prod"], "prod", "production"],
  ])("%j refuses %s the same way", async (args, name, closest, flag = "-s, --stack <name>") => {
    const err: string[] = [];
    const spy = jest.spyOn(process.stderr, "write").mockImplementation((c: unknown) => {
      err.push(String(c));
      return true;
    });
    try {
      const code = await main(["node", "pegasus-secrets", ...args], { projectDir: project.dir });
      expect(code).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(err.join("")).toBe(invalid(flag, name, closest));
    expect(fs.existsSync(path.join(project.dir, "operations"))).toBe(false);
  });

  it("lists the stacks as the option's choices in the help", async () => {
    const out: string[] = [];
    const spy = jest.spyOn(process.stdout, "write").mockImplementation((c: unknown) => {
      out.push(String(c));
      return true;
    });
    try {
      await main(["node", "pegasus-secrets", "plan", "--help"], { projectDir: project.dir });
    } finally {
      spy.mockRestore();
    }
    // Commander wraps the help at the terminal's width.
    expect(out.join("").replace(/\s+/g, " ")).toContain('(choices: "staging", "production", "qa")');
  });
});

describe("the stacks of a project", () => {
  it("are its Pulumi.<stack>.yaml files, staging and production first, from any of several folders", () => {
    const a = fs.mkdtempSync(path.join(require("os").tmpdir(), "pegasus-stacks-a-"));
    const b = fs.mkdtempSync(path.join(require("os").tmpdir(), "pegasus-stacks-b-"));
    try {
      for (const f of ["Pulumi.yaml", "Pulumi.qa.yaml", "Pulumi.production.yaml", "notes.yaml"])
        fs.writeFileSync(path.join(a, f), "");
      fs.writeFileSync(path.join(b, "Pulumi.staging.yaml"), "");
      expect(stacksIn(a)).toEqual(["production", "qa"]);
      expect(stacksIn(a, b, path.join(b, "missing"))).toEqual(["staging", "production", "qa"]);
    } finally {
      fs.rmSync(a, { recursive: true, force: true });
      fs.rmSync(b, { recursive: true, force: true });
    }
  });

  it.each([
    ["prod", "production"],
    ["Production", "production"],
    ["stage", "staging"],
    ["staging-eu", "staging"],
    ["stagnig", "staging"],
    ["prodution", "production"],
    ["prd", "production"],
    ["stg", "staging"],
    ["q", "qa"],
  ])("%s is closest to %s", (name, stack) => {
    expect(closestStack(name, ["staging", "production", "qa"])).toBe(stack);
  });

  it("a project with no stack file says how to create one", () => {
    expect(unknownStackMessage("dev", [])).toBe(
      'Unknown stack "dev": this project has no stack file (Pulumi.<stack>.yaml), so there is no stack to choose. Create one with pulumi stack init dev.',
    );
  });
});
