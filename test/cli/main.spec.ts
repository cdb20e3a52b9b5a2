// The CLI loads only the command it runs (cli/main.ts): each name in its table must be exactly what
// the module registers, or a command would be missing from its own run or from `--help`.
import { execFileSync } from "child_process";
import * as path from "path";
import { Command } from "commander";
import { buildCli, COMMANDS } from "../../cli/main";
import { PROJECT_DIR } from "../helpers";

const ctx = { projectDir: process.cwd(), out: () => undefined };

describe("the CLI's command table", () => {
  it.each(COMMANDS.map((c) => [c.names.join(", "), c] as const))(
    "names what its module registers: %s",
    (_label, c) => {
      const program = new Command();
      c.load().register(program, ctx);
      expect(program.commands.map((cmd) => cmd.name())).toEqual(c.names);
    },
  );

  it("lists no command twice", () => {
    const names = COMMANDS.flatMap((c) => c.names);
    expect(new Set(names).size).toBe(names.length);
  });

  it("registers only the named command's module for a run, every command otherwise", () => {
    const all = COMMANDS.flatMap((c) => c.names);
    const names = (args?: string[]) =>
      buildCli(ctx, args)
        .commands.map((c) => c.name())
        .filter((n) => n !== "help");
    expect(names(["plan", "--stack", "staging"])).toEqual(["plan"]);
    expect(names(["freeze-status"])).toEqual(["freeze", "freeze-status", "lift-freeze"]);
    // Help, the version, an unknown or mistyped command: every command, to list or suggest.
    expect(names(["--help"])).toEqual(all);
    expect(names(["help", "plan"])).toEqual(all);
    expect(names(["plann"])).toEqual(all);
    expect(names()).toEqual(all);
  });

  it("lists every command without loading what any of them runs", () => {
    // A fresh process, as `npx pegasus-secrets --help` is: which files did listing the commands load?
    const script = [
      `require(${JSON.stringify(path.join(PROJECT_DIR, "bin", "register.js"))});`,
      `const before = new Set(Object.keys(require.cache));`,
      `require(${JSON.stringify(path.join(PROJECT_DIR, "cli", "main.ts"))}).buildCli(undefined, ["--help"]);`,
      `process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((f) => !before.has(f))));`,
    ].join("\n");
    const loaded = (
      JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" })) as string[]
    ).map((f) => path.relative(PROJECT_DIR, f));
    const packages = new Set(
      loaded
        .filter((f) => f.startsWith("node_modules/"))
        .map((f) =>
          f
            .split("/")
            .slice(1, f.split("/")[1].startsWith("@") ? 3 : 2)
            .join("/"),
        ),
    );
    // swc (and its platform binary) only when a file has to be transpiled again: a cold cache.
    expect([...packages].filter((p) => !p.startsWith("@swc/core")).sort()).toEqual([
      "commander",
      "fastest-levenshtein",
    ]);
    const ours = loaded.filter((f) => !f.startsWith("node_modules/"));
    expect(ours).toContain("cli/commands/plan.ts");
    expect(
      ours.filter(
        (f) =>
          !/^(cli\/main\.ts|cli\/commands\/|cli\/shared\/|cli\/local\/matrixFile\.ts|model\/(suggest|errors)\.ts)/.test(
            f,
          ),
      ),
    ).toEqual([]);
  });
});
