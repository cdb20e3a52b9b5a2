/**
 * A small, strict dotenv parser. `dotenv` is not a dependency; this reads the subset env:local
 * writes and people commonly type (KEY=VALUE, quotes, comments, `export`), and refuses anything
 * ambiguous instead of guessing, so a developer's values are never silently mangled.
 */

/** One `KEY=VALUE` line of a dotenv file. */
export interface DotenvAssignment {
  /** 1-based line number. */
  line: number;
  key: string;
  /** The value as an application would read it (quotes removed, escapes applied). */
  value: string;
  /** Whether the line starts with `export `, kept when the value is rewritten. */
  exported: boolean;
}

/** A parsed dotenv file: its lines (kept verbatim) and its assignments. */
export interface ParsedDotenv {
  lines: string[];
  eol: "\n" | "\r\n";
  assignments: Map<string, DotenvAssignment>;
}

const KEY_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses a dotenv file strictly. Errors name the file and line and how to fix it, never the line's
 * content (it may hold a secret).
 */
export function parseDotenv(text: string, source: string): ParsedDotenv {
  const body = text.replace(/^\uFEFF/, "");
  const eol = body.includes("\r\n") ? "\r\n" : "\n";
  const lines = body.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const assignments = new Map<string, DotenvAssignment>();
  const fail = (n: number, problem: string, fix: string): never => {
    throw new Error(`${source}, line ${n}: ${problem} Fix: ${fix} Nothing was written.`);
  };
  lines.forEach((raw, i) => {
    const n = i + 1;
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const m = /^\s*(export\s+)?([^=]*?)\s*=\s?(.*)$/.exec(raw);
    if (!m) {
      return fail(
        n,
        "is not a KEY=VALUE line.",
        "write one KEY=VALUE per line, or start the line with # to make it a comment.",
      );
    }
    const key = m[2];
    if (!KEY_RE.test(key)) {
      return fail(
        n,
        'the name before "=" is not a variable name.',
        "use letters, digits and underscores, not starting with a digit.",
      );
    }
    const previous = assignments.get(key);
    if (previous) {
      return fail(
        n,
        `\`${key}\` is already set on line ${previous.line}.`,
        "keep one of the two lines.",
      );
    }
    const value = parseValue(m[3].trim(), (problem, fix) => fail(n, `\`${key}\` ${problem}`, fix));
    assignments.set(key, { line: n, key, value, exported: m[1] !== undefined });
  });
  return { lines, eol, assignments };
}

function parseValue(rest: string, fail: (problem: string, fix: string) => never): string {
  const quote = rest.charAt(0);
  if (quote !== '"' && quote !== "'" && quote !== "`") {
    // Unquoted: an inline comment starts at whitespace followed by #, as in dotenv.
    return rest.replace(/\s+#.*$/, "").trim();
  }
  let i = 1;
  let value = "";
  for (; i < rest.length; i++) {
    const ch = rest[i];
    if (ch === quote) break;
    if (quote === '"' && ch === "\\" && i + 1 < rest.length) {
      const next = rest[++i];
      value += next === "n" ? "\n" : next === "r" ? "\r" : next === "t" ? "\t" : next;
      continue;
    }
    value += ch;
  }
  if (i >= rest.length) {
    return fail(
      `has an opening ${quote} without a closing one on the same line.`,
      "close the quote; multi-line values are not supported.",
    );
  }
  const after = rest.slice(i + 1);
  if (after.trim() !== "" && !/^\s+#/.test(after)) {
    return fail(
      "has text after its closing quote.",
      'remove it, or start a comment with " #" after the quote.',
    );
  }
  return value;
}

/** Formats a value for a dotenv line: bare when that is unambiguous, else double-quoted. */
export const formatDotenvValue = (value: string): string =>
  /^[A-Za-z0-9_\-.,:/@%+=~]*$/.test(value)
    ? value
    : `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r")}"`;
