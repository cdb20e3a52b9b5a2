/**
 * The TOML manifests' shared reading (`fly.toml`, `railway.toml`, `railway.worker.toml`): the parsed
 * keys, each mapped back to the line that holds it (smol-toml gives values, not positions), and the
 * finding both formats report for a catalog secret named anywhere in the file.
 */
import { Finding } from "./common";

// smol-toml ships CommonJS (`require`) and ESM builds, but its typings are ESM-only, which a CommonJS
// module under node16 resolution cannot import; the one function used is typed here.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- ESM-only typings, CommonJS build
const TOML = require("smol-toml") as { parse(text: string): Record<string, unknown> };

/** A parsed TOML manifest: every key path with its value, and the line of each. */
export interface TomlFile {
  /** Base name, which decides the rules. */
  file: string;
  /** Every key path of the document, parents before children, in document order. */
  entries: { path: string[]; value: unknown }[];
  /** The line of a key path, or of its nearest parent that has one. */
  line(p: string[]): number;
}

/** Parses a TOML manifest; a syntax error is a finding on its line, not a crash. */
export function parseToml(file: string, text: string): TomlFile | Finding {
  let parsed: unknown;
  try {
    parsed = TOML.parse(text);
  } catch (e) {
    const err = e as { line?: number; message: string };
    return {
      file,
      line: err.line ?? 1,
      variable: "(file)",
      rule: "invalid-manifest",
      message: `is not valid TOML: ${err.message.split("\n")[0]}`,
      fix: "fix the TOML syntax; the platform would refuse the file too.",
    };
  }
  const lines = tomlLines(text);
  return { file, entries: tomlEntries(parsed), line: (p) => lineOf(lines, p) };
}

/** The finding for a catalog secret named in a TOML manifest outside a place with its own rule. */
export function secretKeyFinding(t: TomlFile, p: string[], key: string): Finding {
  return {
    file: t.file,
    line: t.line(p),
    variable: key,
    rule: "manifest-secret-key",
    message: `names the catalog secret ${key} at [${p.slice(0, -1).join(".") || "top level"}]${p.includes("args") ? " (build arguments end up in the image)" : ""}.`,
    fix: `remove ${key} from ${t.file}: secrets reach the service from its secret store at runtime, never from the manifest.`,
  };
}

/** Splits a dotted TOML key (`a."b.c".d`) into parts. */
function splitDotted(s: string): string[] {
  const parts: string[] = [];
  for (const m of s.matchAll(/\s*("([^"]*)"|'([^']*)'|[^.\s]+)\s*(\.|$)/g)) {
    if (m[1] === undefined) continue;
    parts.push(m[2] ?? m[3] ?? m[1]);
  }
  return parts;
}

/** Line of each table header and key of a TOML text, by full dotted path. */
function tomlLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let table: string[] = [];
  let inMulti: string | null = null;
  text.split("\n").forEach((raw, i) => {
    if (inMulti) {
      if (raw.includes(inMulti)) inMulti = null;
      return;
    }
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(raw);
    if (header) {
      table = splitDotted(header[1]);
      if (!lines.has(table.join("."))) lines.set(table.join("."), i + 1);
      return;
    }
    const kv =
      /^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=\s*(.*)$/.exec(
        raw,
      );
    if (!kv) return;
    const key = [...table, ...splitDotted(kv[1])].join(".");
    if (!lines.has(key)) lines.set(key, i + 1);
    const rest = kv[2];
    for (const q of ['"""', "'''"]) {
      if (rest.startsWith(q) && rest.indexOf(q, 3) === -1) inMulti = q;
    }
  });
  return lines;
}

/** Every key path of a parsed TOML value, with its value. */
function tomlEntries(
  v: unknown,
  prefix: string[] = [],
  out: { path: string[]; value: unknown }[] = [],
) {
  if (v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date)) {
    for (const [k, x] of Object.entries(v)) {
      out.push({ path: [...prefix, k], value: x });
      tomlEntries(x, [...prefix, k], out);
    }
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => tomlEntries(x, [...prefix, String(i)], out));
  }
  return out;
}

/** The line of a key path, or of its nearest parent that has one (inline tables, arrays of tables). */
function lineOf(lines: Map<string, number>, p: string[]): number {
  const parts = p.filter((x) => !/^\d+$/.test(x));
  for (let n = parts.length; n > 0; n--) {
    const l = lines.get(parts.slice(0, n).join("."));
    if (l !== undefined) return l;
  }
  return 1;
}
