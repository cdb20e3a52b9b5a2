/**
 * Reading `Pulumi.yaml` and `Pulumi.<stack>.yaml`: a YAML error, a duplicate key, an alias bomb or
 * a file that is not a map of settings is refused with the file, line and column, and what to change.
 * The offending line itself is never shown: a stack file may hold a value pasted where it must not be.
 */
import * as fs from "fs";
import * as path from "path";
import YAML, { isAlias, LineCounter, YAMLError } from "yaml";
import { ConfigError, Issue } from "../../model";

/** What to change, per error of the `yaml` library: its code, and for some its message. */
const FIXES: [code: string, message: RegExp, fix: string][] = [
  ["DUPLICATE_KEY", /./, "keep one of the two entries and delete the other."],
  ["TAB_AS_INDENT", /./, "indent with spaces (two per level), not tabs."],
  [
    "BAD_INDENT",
    /end with a [\]}]/,
    "close the `[` or `{` opened above with its `]` or `}`, or quote the value if the bracket is part of it.",
  ],
  [
    "BAD_INDENT",
    /same column/,
    "start this key in the same column as the keys beside it (two spaces per level).",
  ],
  [
    "BLOCK_AS_IMPLICIT_KEY",
    /./,
    "a `key: value` line holds nothing below it: indent the next line like this one, or move the value below the key.",
  ],
  ["MULTILINE_IMPLICIT_KEY", /./, "write the entry as `key: value`, with a colon and a space."],
  ["MISSING_CHAR", /./, "close the quote or bracket opened above."],
  [
    "BAD_SCALAR_START",
    /./,
    'quote the value: a plain value cannot start with @ ` | > % or another reserved character ("@value").',
  ],
];
const GENERIC_FIX =
  "correct the YAML there: two spaces per indentation level, `key: value` with a space after the colon, quotes around values that start with a special character.";
const fixOf = (e: YAMLError) =>
  FIXES.find(([code, message]) => e.code === code && message.test(e.message))?.[2] ?? GENERIC_FIX;

/** Line and column (1-based) of an offset. */
const at = (lines: LineCounter, offset: number) => lines.linePos(offset);

/** The refusal of a file that cannot be read as settings: a config error (exit 2), one issue per problem. */
const unreadable = (file: string, issues: Issue[]) =>
  new ConfigError(`${path.basename(file)} cannot be read as settings`, issues);

/** Files already parsed, by content: a plan reads the project file and each stack file several times. */
const parsed = new Map<string, Record<string, unknown>>();
const PARSED_MAX = 16;

/**
 * Parses a project or stack file into a plain object (`{}` for an empty file). Refuses invalid YAML,
 * duplicate keys, more aliases than a settings file needs, and anything but a map at the top. A file
 * whose content was parsed before is not parsed again; every caller gets its own copy.
 */
export function readYamlMap(file: string): Record<string, unknown> {
  const text = fs.readFileSync(file, "utf8");
  let value = parsed.get(text);
  if (!value) {
    value = parseYamlMap(file, text);
    if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value as string);
    parsed.set(text, value);
  }
  return structuredClone(value);
}

function parseYamlMap(file: string, text: string): Record<string, unknown> {
  const name = path.basename(file);
  const lines = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const where = (offset: number) => {
    const { line, col } = at(lines, offset);
    return `${name}:${line}:${col}`;
  };
  // The first error only: the parser's later ones are mostly its first one, seen again further on.
  const e: YAMLError | undefined = doc.errors[0];
  if (e) {
    const first = e.message.split(" at line ")[0].replace(/\.$/, "");
    const key =
      e.code === "DUPLICATE_KEY"
        ? /^\s*([^\n]*?):(\s|$)/.exec(text.slice(e.pos[0]))?.[1]
        : undefined;
    throw unreadable(file, [
      {
        key: where(e.pos[0]),
        problem: `is not valid YAML: ${first}${key ? ` (\`${key}\` appears twice in the same map)` : ""}.`,
        fix: fixOf(e),
      },
    ]);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    let first = 0;
    YAML.visit(doc, {
      Alias(_, node) {
        if (isAlias(node) && node.range) first = node.range[0];
        return YAML.visit.BREAK;
      },
    });
    throw unreadable(file, [
      {
        key: where(first),
        problem: `expands its YAML aliases (*name) into too many values (${(err as Error).message.toLowerCase()}).`,
        fix: "write the values out: a settings file needs no aliases.",
      },
    ]);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    const kind = Array.isArray(value) ? "a list" : `a ${typeof value}`;
    throw unreadable(file, [
      {
        key: name,
        problem: `is ${kind}, not a map of settings.`,
        fix: `make it a map with a \`config:\` key holding the settings, as in the README's "Config reference" (\`config:\` then \`  gcp:project: <project>\` on the next line).`,
      },
    ]);
  }
  return value as Record<string, unknown>;
}

/** A map-valued section of a settings file (`config:`), or an issue when it is something else. */
export function sectionOf(
  file: string,
  doc: Record<string, unknown>,
  key: string,
): Record<string, unknown> {
  const v = doc[key];
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) {
    const lines = fs.readFileSync(file, "utf8").split("\n");
    const line = lines.findIndex((l) => l.startsWith(`${key}:`)) + 1;
    throw unreadable(file, [
      {
        key: `${path.basename(file)}:${line}:1`,
        problem: `\`${key}:\` holds ${Array.isArray(v) ? "a list" : `a ${typeof v}`}; it must hold a map of \`key: value\` entries.`,
        fix: `indent each setting under \`${key}:\` on its own line, e.g. \`  gcp:project: <project>\`.`,
      },
    ]);
  }
  return v as Record<string, unknown>;
}
