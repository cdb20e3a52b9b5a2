// The stack option every stack-scoped command shares: its choices are the project's stack files, and
// a mistyped name is a usage error (exit 2) naming the closest stack, listing them all and showing the
// corrected command. Run through the real CLI (the package's bin, as a child process) in a copy of the
// project with the fixture stacks and a third stack.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { main } from "../../../cli/main";
import { closestStack, stacksIn, unknownStackMessage } from "../../../cli/shared/stacks";
import { copyProject, runCli } from "../../helpers";

const STACKS = "The stacks of this project (one Pulumi.<stack>.yaml each)";

describe("the --stack option", () => {
  let project: { dir: string; cleanup(): void };
  beforeAll(() => {
    project = copyProject("pegasus-stacks-");
    // A third stack file, so the choices visibly come from the folder and not from a fixed list.
    fs.copyFileSync(
      path.join(project.dir, "Pulumi.staging.yaml"),
      path.join(project.dir, "Pulumi.qa.yaml"),
    );
    // access-diff compares with a git revision: the copy is a repository with one commit.
    const git = (...args: string[]) =>
      execFileSync("git", args, { cwd: project.dir, stdio: "ignore" });
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git("-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "-m", "base");
  });
  afterAll(() => project.cleanup());

  // The stumbles of a mistyped stack: each command exits 2 before doing anything, names the
  // closest stack, lists them all, and shows the command corrected. Through the real bin.
  it.each([
    [["policy-check", "--stack", "prod"], "prod", "production"],
    [["access-diff", "--base", "HEAD", "--stack", "prod"], "prod", "production"],
    [["log", "--stack", "prod"], "prod", "production"],
  ])("%j refuses %s, naming %s, as a child process", async (args, wrong, right) => {
    const r = await runCli(project.dir, args);
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr: `error: unknown stack "${wrong}". ${STACKS}: staging, production, qa. Did you mean ${right}?\nFix: npx pegasus-secrets ${args.join(" ").replace(wrong, right)}\n`,
    });
    expect(fs.existsSync(path.join(project.dir, "operations"))).toBe(false);
  });

  // Every other stack-scoped command refuses the same way (in process: the same code path).
  it.each([
    [["plan", "--stack", "stage"], "stage", "staging"],
    [["policy-check", "--stack", "staging", "Qa"], "Qa", "qa"],
    [["verify", "--stack", "stagign"], "stagign", "staging"],
    [
      ["rotate", "JWT_SECRET", "--stack", "production2", "--operator", "alice"],
      "production2",
      "production",
    ],
    [["finalize", "JWT_SECRET", "--stack", "q", "--operator", "alice"], "q", "qa"],
    [["evidence", "--stack", "prd"], "prd", "production"],
    [["rotation-status", "--stack", "STAGING-1"], "STAGING-1", "staging"],
  ])("%j refuses %s the same way", async (args, name, closest) => {
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
    const fixed = args.map((a) => (a === name ? closest : a)).join(" ");
    expect(err.join("")).toBe(
      `error: unknown stack "${name}". ${STACKS}: staging, production, qa. Did you mean ${closest}?\nFix: npx pegasus-secrets ${fixed}\n`,
    );
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

  it.each([["../../etc/passwd"], ["staging/.."], [".."], ["dev"], ["xyzzy"]])(
    "%s is close to no stack: a suggestion is never a guess",
    (name) => {
      expect(closestStack(name, ["staging", "production", "qa"])).toBeUndefined();
    },
  );

  it("a project with no stack file says how to create one", () => {
    expect(unknownStackMessage("dev", [])).toBe(
      'unknown stack "dev": this project has no stack file (Pulumi.<stack>.yaml), so there is no stack to choose.\nFix: create one: pulumi stack init dev, and commit its Pulumi.<stack>.yaml.',
    );
  });
});
