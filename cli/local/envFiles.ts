import { randomBytes } from "crypto";
import { CatalogEntry } from "../../catalog";
import {
  generatedLength,
  isGenerated,
  LOCAL_CONSUMERS,
  localEntries,
  validateCatalog,
} from "../../model";
import { formatDotenvValue, ParsedDotenv } from "./dotenv";
import type { LocalScope } from "./scope";

/**
 * Pure rendering of the local `.env` and the committed `.env.example` from the catalog (the guide's
 * "Local development" rules). No file system, no git, no clock: `envLocal.ts` and `envExample.ts` do the
 * I/O, so every rule here is tested without touching a disk.
 */

export { LOCAL_SCOPES, parseLocalScope, PRODUCTION_REFUSAL } from "./scope";
export type { LocalScope } from "./scope";

/** A fresh random value of `length` URL-safe characters (no quoting needed in a dotenv file). */
export const randomValue = (length: number): string =>
  randomBytes(Math.ceil((length * 3) / 4) + 1)
    .toString("base64url")
    .slice(0, length);

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

const WIDTH = 100;

/** Wraps prose into `# ` comment lines of at most 100 columns (a long word stays whole). */
export function commentLines(text: string): string[] {
  const out: string[] = [];
  let line = "#";
  // A `code span` stays on one line, so a command in a comment can be copied as it is.
  for (const word of text.match(/`[^`]*`\S*|\S+/g) ?? []) {
    if (line !== "#" && line.length + 1 + word.length > WIDTH) {
      out.push(line);
      line = "#";
    }
    line += ` ${word}`;
  }
  out.push(line);
  return out;
}

const readers = (e: CatalogEntry): string =>
  e.consumers.filter((c) => LOCAL_CONSUMERS.includes(c)).join(", ");

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** What a variable is and who reads it: the first comment line of its block in both files. */
const about = (e: CatalogEntry): string =>
  `${e.name}: ${e.description} Read by ${readers(e)}. ${e.kind === "secret" ? "Secret." : "Not a secret."}`;

const overlapNote = (e: CatalogEntry): string =>
  e.kind === "secret" && e.overlap
    ? ` Deployed stacks also carry ${e.name}_PREVIOUS during a rotation's overlap window; locally only the current value is needed.`
    : "";

/** How one variable gets its value in a local `.env`. */
type LocalValue =
  | { kind: "generated"; value: string }
  | { kind: "local"; value: string }
  | { kind: "blank" };

function localValue(
  e: CatalogEntry,
  plain: Record<string, string>,
  generate: (length: number) => string,
): LocalValue {
  if (isGenerated(e)) return { kind: "generated", value: generate(generatedLength(e)) };
  if (e.kind === "plain") {
    return { kind: "local", value: plain[e.name] ?? e.local?.value ?? e.default ?? "" };
  }
  return e.local?.value !== undefined ? { kind: "local", value: e.local.value } : { kind: "blank" };
}

/** The comment block above a variable in the local `.env`. */
function localComment(e: CatalogEntry, v: LocalValue): string[] {
  const lines = [about(e)];
  if (v.kind === "generated") {
    lines.push(
      `Generated for this machine: a fresh random value used nowhere else. \`npx pegasus-secrets env:local --force\` replaces it.${overlapNote(e)}`,
    );
  } else if (v.kind === "blank") {
    lines.push(
      `FILL IN BY HAND: ${e.local?.instructions ?? "a developer-scoped, non-production value."}`,
    );
  } else if (e.local?.instructions) {
    lines.push(capitalize(e.local.instructions));
  }
  return lines.flatMap(commentLines);
}

/** Names of the variables in each outcome of `renderLocalEnv`. Names only: never values. */
export interface LocalEnvReport {
  /** Missing from the file; added. */
  added: string[];
  /** Present with a value; left as it was. */
  kept: string[];
  /** Present but empty; given the value env:local produces. */
  filled: string[];
  /**
   * A setting or local service URL whose value differs from what the scope gives (a changed
   * default, another scope's URL); kept, since it may be the developer's choice. `--force` replaces it.
   */
  differ: string[];
  /** A setting or local service URL that differed; replaced because of `--force`. */
  replaced: string[];
  /** A generated secret given a fresh value because of `--regenerate`. */
  regenerated: string[];
  /** In the file but not a local catalog variable; left as they were. */
  extra: string[];
  /** Still empty after writing: values the developer fills in by hand. */
  blank: string[];
}

/** Options of `renderLocalEnv`. */
export interface LocalEnvOptions {
  catalog: CatalogEntry[];
  scope: LocalScope;
  /** The file as it is now, if it exists. */
  existing?: ParsedDotenv;
  /**
   * Replace the settings and local service URLs that differ from the scope's. Generated secrets and
   * values typed by hand stay.
   */
  force?: boolean;
  /** Give every generated secret a fresh value (after a leak). Nothing else changes. */
  regenerate?: boolean;
  /** Plain values of the scope (the staging stack's URLs and settings); default: catalog local values. */
  plain?: Record<string, string>;
  /** Source of generated values; default `randomValue` (tests inject a counter to check wiring only). */
  generate?: (length: number) => string;
  /** Date shown in the header (YYYY-MM-DD); passed in so rendering stays pure. */
  date: string;
}

const SCOPE_NOTE: Record<LocalScope, string> = {
  local: "Every value is developer-scoped.",
  staging:
    "Plain settings (URLs, flags, tuning) come from the staging stack; secrets are generated here or filled in by hand, never copied from staging.",
};

/**
 * The local `.env`: a fresh file from the catalog, or the existing file with missing variables added
 * and empty ones filled; with `force`, settings that differ from the scope's replaced; with
 * `regenerate`, generated secrets renewed. Existing lines, comments and unknown keys are kept
 * verbatim. Returns the text and a report of names.
 */
export function renderLocalEnv(opts: LocalEnvOptions): { text: string; report: LocalEnvReport } {
  validateCatalog(opts.catalog);
  const generate = opts.generate ?? randomValue;
  const plain = opts.plain ?? {};
  const entries = localEntries(opts.catalog);
  const report: LocalEnvReport = {
    added: [],
    kept: [],
    filled: [],
    differ: [],
    replaced: [],
    regenerated: [],
    extra: [],
    blank: [],
  };
  const lines = opts.existing ? [...opts.existing.lines] : header(opts);
  const eol = opts.existing?.eol ?? "\n";
  const appended: string[] = [];
  for (const e of entries) {
    const v = localValue(e, plain, generate);
    const produced = v.kind === "blank" ? "" : v.value;
    const current = opts.existing?.assignments.get(e.name);
    if (!current) {
      if (opts.existing) report.added.push(e.name);
      appended.push("", ...localComment(e, v), `${e.name}=${formatDotenvValue(produced)}`);
      if (produced === "") report.blank.push(e.name);
      continue;
    }
    // A generated value is fresh on every run: it never "differs", it is only ever renewed.
    const outcome: keyof LocalEnvReport =
      produced === ""
        ? "kept"
        : current.value === ""
          ? "filled"
          : v.kind === "generated"
            ? opts.regenerate
              ? "regenerated"
              : "kept"
            : current.value === produced
              ? "kept"
              : opts.force
                ? "replaced"
                : "differ";
    report[outcome].push(e.name);
    if (outcome === "filled" || outcome === "replaced" || outcome === "regenerated") {
      lines[current.line - 1] =
        `${current.exported ? "export " : ""}${e.name}=${formatDotenvValue(produced)}`;
    } else if (current.value === "") {
      report.blank.push(e.name);
    }
  }
  if (!opts.existing) report.added.push(...entries.map((e) => e.name));
  const names = new Set(entries.map((e) => e.name));
  for (const key of opts.existing?.assignments.keys() ?? []) {
    if (!names.has(key)) report.extra.push(key);
  }
  if (opts.existing && appended.length > 0) {
    lines.push(
      "",
      ...commentLines(
        `Added by \`npx pegasus-secrets env:local\` (scope ${opts.scope}, ${opts.date}).`,
      ),
    );
  }
  lines.push(...(opts.existing ? appended : appended.slice(1)));
  return { text: lines.join(eol) + eol, report };
}

function header(opts: LocalEnvOptions): string[] {
  return [
    ...commentLines(
      `Pegasus local development environment for the API and worker, written by \`npx pegasus-secrets env:local\` (scope ${opts.scope}, ${opts.date}). ${SCOPE_NOTE[opts.scope]}`,
    ),
    ...commentLines(
      "Gitignored and readable by you only (mode 0600): never commit it and never copy it to a server. Production values are never written here. If a value in this file is exposed, rotate it before your next push.",
    ),
    "",
  ];
}

/** The `.env.example` block of one variable: what it is, how to get a value, and no secret value. */
function exampleBlock(e: CatalogEntry): string[] {
  const lines = [about(e)];
  let value = "";
  if (isGenerated(e)) {
    lines.push(
      `Generated: \`npx pegasus-secrets env:local\` writes a fresh random value of ${generatedLength(e)} characters; by hand, use one of your own (\`openssl rand -base64 48\`).${overlapNote(e)}`,
    );
  } else if (e.kind === "secret") {
    const local = e.local?.value;
    lines.push(
      local !== undefined
        ? `Local service (env:local writes ${local}): ${e.local?.instructions ?? ""}`
        : `Fill in by hand: ${e.local?.instructions ?? "a developer-scoped, non-production value."}`,
    );
  } else {
    // Plain config is not secret (guide: "Explicitly not secrets"), so its local value is shown.
    value = e.local?.value ?? e.default ?? "";
    if (e.local?.instructions) lines.push(capitalize(e.local.instructions));
  }
  return [...lines.flatMap(commentLines), `${e.name}=${formatDotenvValue(value)}`];
}

/** The command that regenerates `.env.example`; named by the staleness test and `--check`. */
export const EXAMPLE_COMMAND = "npx pegasus-secrets env:example";

/**
 * `.env.example`: every local variable with its comments, plain defaults, and no secret value.
 * Deterministic (no date), so a test can tell when the committed file is stale.
 */
export function renderExample(catalog: CatalogEntry[]): string {
  validateCatalog(catalog);
  const lines = [
    ...commentLines(
      `Every variable the Pegasus API and worker read, with how to get a developer-scoped value. Names, comments and plain defaults only: never a secret value. Generated from catalog/index.ts by \`${EXAMPLE_COMMAND}\`; do not edit by hand.`,
    ),
    "#",
    ...commentLines(
      "Bootstrap your own .env (gitignored, mode 0600) with `npx pegasus-secrets env:local`, or copy this file to .env and fill it in by hand. Developer-scoped, non-production values only: production credentials are never used locally. If a local key is exposed, rotate it before your next push.",
    ),
  ];
  for (const e of localEntries(catalog)) lines.push("", ...exampleBlock(e));
  return lines.join("\n") + "\n";
}
