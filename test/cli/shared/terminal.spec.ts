// Text for a terminal: wrapping to its width, and colour only on a terminal without NO_COLOR.
import { randomBytes } from "crypto";
import { Plan, planJson, planText } from "../../../cli/plan";
import {
  DEFAULT_WIDTH,
  terminalWidth,
  useColour,
  wrapLine,
  wrapText,
} from "../../../cli/shared/terminal";
import { planStack } from "../../helpers";

/** The escape that starts every terminal style. */
const ESC = "\u001b";

/** Random words of 2 to 16 letters, so the wrapping is tested on text no one chose. */
const words = (n: number) =>
  Array.from({ length: n }, () => randomBytes(1 + (randomBytes(1)[0] % 8)).toString("hex")).join(
    " ",
  );

describe("wrapLine", () => {
  it.each([30, 37, 60, 100])("never exceeds %i columns and loses no word", (width) => {
    for (let i = 0; i < 20; i++) {
      const line = `    ${words(40)}`;
      const wrapped = wrapLine(line, width);
      for (const l of wrapped) expect(l.length).toBeLessThanOrEqual(width);
      expect(wrapped.join(" ").split(/\s+/).filter(Boolean)).toEqual(
        line.split(/\s+/).filter(Boolean),
      );
      // Continuation lines hang two deeper than the line's own indentation.
      for (const l of wrapped.slice(1)) expect(l.startsWith("      ")).toBe(true);
    }
  });

  it("keeps a line that fits as it is, padding included", () => {
    expect(wrapLine("  a    b", 100)).toEqual(["  a    b"]);
  });

  it("hangs continuation lines where asked (under a table's last column)", () => {
    expect(wrapLine("  key    one two three four", 20, 9)).toEqual([
      "  key    one two",
      "         three four",
    ]);
  });

  it("cuts a word longer than the width, so no line is ever wider", () => {
    const long = "x".repeat(50);
    expect(wrapLine(`  see ${long}`, 20)).toEqual([
      "  see",
      `    ${"x".repeat(16)}`,
      `    ${"x".repeat(16)}`,
      `    ${"x".repeat(16)}`,
      "    xx",
    ]);
  });

  it("wraps every line of a text", () => {
    expect(wrapText("a b c\nd e f", 4)).toBe("a b\n  c\nd e\n  f");
  });
});

describe("terminalWidth and useColour", () => {
  it("wrap to the terminal's width, else to 100 (a pipe, a file)", () => {
    expect(terminalWidth({ isTTY: true, columns: 72 })).toBe(72);
    expect(terminalWidth({ isTTY: false, columns: 72 })).toBe(DEFAULT_WIDTH);
    expect(terminalWidth({})).toBe(100);
  });

  it.each<[string, { isTTY?: boolean }, NodeJS.ProcessEnv, boolean]>([
    ["a terminal", { isTTY: true }, {}, true],
    ["a pipe", { isTTY: false }, {}, false],
    ["a terminal with NO_COLOR", { isTTY: true }, { NO_COLOR: "1" }, false],
    [
      "a terminal with NO_COLOR empty (unset, per no-color.org)",
      { isTTY: true },
      { NO_COLOR: "" },
      true,
    ],
    ["a dumb terminal", { isTTY: true }, { TERM: "dumb" }, false],
  ])("colour on %s: %s", (_what, stream, env, expected) => {
    expect(useColour(stream, env)).toBe(expected);
  });
});

describe("the plan text on a terminal", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = planJson(await planStack("staging"));
  });

  it("is styled only when asked, and wraps to the width it is given", () => {
    const plain = planText(plan, { width: 60 });
    expect(plain).not.toContain(`${ESC}[`);
    expect(plain.split("\n").filter((l) => l.length > 60)).toEqual([]);
    const coloured = planText(plan, { width: 60, colour: true });
    expect(coloured).toContain("\u001b[1mBefore a real pulumi up\u001b[22m");
    // Colour changes nothing but the escapes.
    expect(coloured.replace(new RegExp(`${ESC}\\[\\d+m`, "g"), "")).toBe(plain);
    // Unbounded: the summary as data, one line per row (what other readers of planText get).
    expect(planText(plan).split("\n").length).toBeLessThan(plain.split("\n").length);
  });

  it("counts resources by type only with --verbose", () => {
    expect(planText(plan)).not.toContain("Resources by type");
    expect(planText(plan, { verbose: true })).toMatch(
      /\nResources by type\n( {2}\d+ +\S+\n)* {2}14 {2}gcp:secretmanager\/secret:Secret\n/,
    );
  });
});
