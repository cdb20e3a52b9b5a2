// Usage errors of the real CLI, run as a child process (the package's bin) in a copy of the project
// with the fixture stacks: each one exits 2, names what is wrong, and ends with the fix, the
// user's own command line corrected where the CLI can tell how. Help and --version exit 0.
import * as fs from "fs";
import * as path from "path";
import { commandLine, repaired, shellWord } from "../../../cli/shared/usage";
import { copyProject, runCli, runMain as inProcess } from "../../helpers";

const STACKS = "The stacks of this project (one Pulumi.<stack>.yaml each): staging, production.";

describe("usage errors of the real CLI (exit 2, the fix last)", () => {
  let project: { dir: string; cleanup(): void };
  beforeAll(() => {
    project = copyProject("pegasus-usage-");
  });
  afterAll(() => project.cleanup());

  // The stumbles of the issue, through the real bin.
  it.each([
    [
      "a mistyped option is named, not reported as the required option it was meant to be",
      ["rotate", "JWT_SECRET", "--stack", "staging", "--operater", "alice"],
      "unknown option --operater for rotate. Did you mean --operator?\nFix: npx pegasus-secrets rotate JWT_SECRET --stack staging --operator alice",
    ],
    [
      "a mistyped --stack is an unknown option too",
      ["plan", "--stak", "staging"],
      "unknown option --stak for plan. Did you mean --stack?\nFix: npx pegasus-secrets plan --stack staging",
    ],
    [
      "plan without --stack lists the stacks",
      ["plan"],
      "plan needs --stack (one of staging, production).\nFix: npx pegasus-secrets plan --stack <staging|production>",
    ],
    [
      "help for a mistyped command",
      ["help", "rotat"],
      "unknown command rotat. Did you mean rotate?\nFix: npx pegasus-secrets help rotate",
    ],
    [
      "a path where a stack belongs",
      ["plan", "--stack", "../../etc/passwd"],
      `"../../etc/passwd" is not a stack name: a stack is named by its file Pulumi.<stack>.yaml (letters, digits, - _ .), never by a path. ${STACKS}\nFix: use --stack staging or --stack production.`,
    ],
  ])("%s", async (_what, args, message) => {
    const r = await runCli(project.dir, args);
    expect(r).toEqual({ code: 2, stdout: "", stderr: `error: ${message}\n` });
  });

  // The same code path in process (the bin adds nothing to it): every other kind of usage error.
  it.each([
    [
      "an unknown option like no other is removed",
      ["plan", "--stack", "staging", "--colour"],
      "unknown option --colour for plan.\nFix: remove --colour; npx pegasus-secrets plan --help lists what it takes.",
    ],
    [
      "every missing required option at once",
      ["rotate", "JWT_SECRET", "--reason", "quarterly rotation"],
      "rotate needs --stack (one of staging, production) and --operator <who>.\nFix: npx pegasus-secrets rotate JWT_SECRET --reason 'quarterly rotation' --stack <staging|production> --operator <who>",
    ],
    [
      "a missing argument",
      ["finalize", "--stack", "staging", "--operator", "alice"],
      "finalize needs its argument <VARIABLE>.\nFix: npx pegasus-secrets finalize <VARIABLE> --stack <staging|production> --operator <who>",
    ],
    [
      "an option without its value",
      ["plan", "--stack"],
      "option -s, --stack <name> needs a value (plan).\nFix: npx pegasus-secrets plan --stack <staging|production>",
    ],
    [
      "a mistyped command",
      ["rotat", "JWT_SECRET"],
      "unknown command rotat. Did you mean rotate?\nFix: npx pegasus-secrets rotate JWT_SECRET",
    ],
    [
      "a stack like no other",
      ["plan", "--stack", "qa"],
      `unknown stack "qa". ${STACKS}\nFix: use --stack staging or --stack production; a new stack needs its own file first (pulumi stack init qa).`,
    ],
  ])("%s (in process)", async (_what, args, message) => {
    expect(await inProcess(project.dir, args)).toEqual({
      code: 2,
      stdout: "",
      stderr: `error: ${message}\n`,
    });
  });

  it("prints the package's version, and help, with exit 0", async () => {
    const version = JSON.parse(fs.readFileSync(path.join(project.dir, "package.json"), "utf8"))
      .version as string;
    expect(await runCli(project.dir, ["--version"])).toEqual({
      code: 0,
      stdout: `${version}\n`,
      stderr: "",
    });
    const help = await inProcess(project.dir, ["help", "rotate"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: pegasus-secrets rotate \[options\] <VARIABLE>\n/);
  });

  it("with no command at all prints the help on stderr and exits 2", async () => {
    const r = await inProcess(project.dir, []);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^Usage: pegasus-secrets \[options\] \[command\]\n/);
  });
});

describe("the fix as a command line", () => {
  it.each([
    ["alice", "alice"],
    ["quarterly rotation", "'quarterly rotation'"],
    ["it's", `'it'\\''s'`],
    ["<who>", "<who>"],
    ["--stack=production", "--stack=production"],
  ])("%s is written %s", (word, shown) => {
    expect(shellWord(word)).toBe(shown);
  });

  it("replaces the wrong word, as a word or an option's value, then appends", () => {
    expect(repaired(["log", "--stack", "prod"], { wrong: "prod", right: "production" })).toEqual([
      "log",
      "--stack",
      "production",
    ]);
    expect(repaired(["log", "--stack=prod"], { wrong: "prod", right: "production" })).toEqual([
      "log",
      "--stack=production",
    ]);
    expect(repaired(["plan"], { append: ["--stack", "<name>"] })).toEqual([
      "plan",
      "--stack",
      "<name>",
    ]);
    expect(repaired(["plan"], { wrong: "x", right: "y" })).toBeUndefined();
    expect(commandLine(["plan", "--stack", "staging"])).toBe(
      "npx pegasus-secrets plan --stack staging",
    );
  });
});
