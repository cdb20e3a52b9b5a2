// The strict dotenv parser of env:local (cli/local/dotenv.ts): what it reads, what it refuses
// without echoing the line, and values that round-trip through its formatter.
import { randomBytes } from "crypto";
import { formatDotenvValue, parseDotenv } from "../../../cli/local/dotenv";
import { randomValue } from "../../../cli/local/envFiles";

const rand = () => randomBytes(12).toString("hex");
const values = (text: string) =>
  new Map([...parseDotenv(text, "test").assignments].map(([k, a]) => [k, a.value]));

describe("parseDotenv", () => {
  it.each([
    ["A=1", "A", "1", false],
    ["export B=two", "B", "two", true],
    ["C = spaced  ", "C", "spaced", false],
    ["D=plain # a comment", "D", "plain", false],
    ["E=", "E", "", false],
    ['F="a b # not a comment"', "F", "a b # not a comment", false],
    ['G="q\\"uote\\\\ and\\nnewline" # c', "G", 'q"uote\\ and\nnewline', false],
    ["H='lit\\n#eral'", "H", "lit\\n#eral", false],
    ["I=a=b", "I", "a=b", false],
  ])("reads %j", (line, key, value, exported) => {
    const a = parseDotenv(`# comment\n\n${line}\n`, "f").assignments.get(key);
    expect(a).toEqual({ line: 3, key, value, exported });
  });

  it("keeps lines verbatim and notices CRLF", () => {
    const p = parseDotenv("# x\r\nA=1\r\n", "f");
    expect(p.lines).toEqual(["# x", "A=1"]);
    expect(p.eol).toBe("\r\n");
  });

  const secret = rand();
  it.each([
    [
      `${secret}`,
      "f, line 2: is not a KEY=VALUE line. Fix: write one KEY=VALUE per line, or start the line with # to make it a comment. Nothing was written.",
    ],
    [
      `my-${secret}=x`,
      'f, line 2: the name before "=" is not a variable name. Fix: use letters, digits and underscores, not starting with a digit. Nothing was written.',
    ],
    [
      `OK=${secret}`,
      "f, line 2: `OK` is already set on line 1. Fix: keep one of the two lines. Nothing was written.",
    ],
    [
      `B="${secret}`,
      'f, line 2: `B` has an opening " without a closing one on the same line. Fix: close the quote; multi-line values are not supported. Nothing was written.',
    ],
    [
      `B='${secret}'${secret}`,
      '`B` has text after its closing quote. Fix: remove it, or start a comment with " #" after the quote. Nothing was written.',
    ],
  ])("refuses a bad line without echoing it (%#)", (line, message) => {
    let err: Error | undefined;
    try {
      parseDotenv(`OK=1\n${line}\n`, "f");
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toContain(message);
    expect(err?.message).not.toContain(secret);
  });
});

describe("formatDotenvValue", () => {
  it.each([
    "plain",
    "",
    "with space",
    "hash#inside",
    'dq"',
    "sq'",
    "back\\slash",
    "multi\nline\r",
    " lead",
  ])("round-trips %j", (v) => {
    expect(values(`K=${formatDotenvValue(v)}`).get("K")).toBe(v);
  });
  it("round-trips random bytes", () => {
    for (let i = 0; i < 50; i++) {
      const v = randomBytes(24).toString("latin1").replace(/[\0]/g, "");
      expect(values(`K=${formatDotenvValue(v)}`).get("K")).toBe(v);
    }
  });
  it("leaves generated values bare", () => {
    const v = randomValue(64);
    expect(formatDotenvValue(v)).toBe(v);
  });
});
