// The CLI loads only the command it runs (cli/main.ts): each name in its table must be exactly what
// the module registers, or a command would be missing from its own run or from `--help`.
import { Command } from "commander";
import { buildCli, COMMANDS } from "../../cli/main";

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
});
