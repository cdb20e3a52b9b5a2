import { CatalogEntry, CONSUMERS, SecretEntry, SOURCE_KINDS } from "../catalog";
import { PATTERNS } from "../components/lib/naming";
import { IssueList } from "./errors";

const MAX_ROTATION_DAYS = 90;

/**
 * Checks the catalog against the guide before anything is built from it: names, consumers, sources,
 * rotation, overlap. Throws a `ConfigError` listing every problem.
 */
export function validateCatalog(catalog: CatalogEntry[]): void {
  const issues = new IssueList();
  const seen = new Set<string>();
  const byName = new Map(catalog.map((e) => [e.name, e]));
  for (const entry of catalog) {
    const at = `catalog[${entry.name}]`;
    if (!PATTERNS.envName.re.test(entry.name)) {
      issues.add(
        at,
        `variable name "${entry.name}" is not an environment variable name.`,
        `use ${PATTERNS.envName.rule}.`,
      );
    }
    if (seen.has(entry.name)) {
      issues.add(
        at,
        `variable "${entry.name}" is declared twice.`,
        "keep one entry per variable in catalog/index.ts.",
      );
    }
    seen.add(entry.name);
    if (entry.consumers.length === 0) {
      issues.add(
        `${at}.consumers`,
        "no consumer receives this variable.",
        "list its consumers or remove the entry.",
      );
    }
    for (const c of entry.consumers) {
      if (!(CONSUMERS as readonly string[]).includes(c)) {
        issues.add(`${at}.consumers`, `unknown consumer "${c}".`, `use ${CONSUMERS.join(", ")}.`);
      }
    }
    if (new Set(entry.consumers).size !== entry.consumers.length) {
      issues.add(`${at}.consumers`, "a consumer is listed twice.", "list each consumer once.");
    }
    if (entry.kind === "secret") validateSecret(entry, byName, issues);
  }
  issues.throwIfAny("Invalid secret catalog");
}

function validateSecret(
  e: SecretEntry,
  byName: Map<string, CatalogEntry>,
  issues: IssueList,
): void {
  const at = `catalog[${e.name}]`;
  if (e.consumers.includes("mobile")) {
    issues.add(
      `${at}.consumers`,
      "a secret is routed to `mobile`; the guide forbids secrets in mobile bundles.",
      "remove `mobile` from its consumers, or make the value plain config if it is truly public.",
    );
  }
  for (const s of e.sources) {
    if (!(SOURCE_KINDS as readonly string[]).includes(s)) {
      issues.add(`${at}.sources`, `unknown source "${s}".`, `use ${SOURCE_KINDS.join(", ")}.`);
    }
  }
  if (!e.sources.includes(e.defaultSource)) {
    issues.add(
      `${at}.defaultSource`,
      `"${e.defaultSource}" is not one of its sources.`,
      "add it to `sources` or pick one of them.",
    );
  }
  if (
    !Number.isInteger(e.rotationDays) ||
    e.rotationDays < 1 ||
    e.rotationDays > MAX_ROTATION_DAYS
  ) {
    issues.add(
      `${at}.rotationDays`,
      `${e.rotationDays} is outside 1..${MAX_ROTATION_DAYS} days.`,
      "the guide rotates at least every 90 days.",
    );
  }
  if (e.overlap && (e.sources.length !== 1 || e.sources[0] !== "generated")) {
    issues.add(
      `${at}.overlap`,
      "an overlap window needs a generated value.",
      'set `sources: ["generated"]` or `overlap: false`.',
    );
  }
  if (e.sources.includes("gcsHmac") && !e.hmacField) {
    issues.add(
      `${at}.hmacField`,
      "a `gcsHmac` source needs the HMAC key field it carries.",
      "set `hmacField` to `accessId` or `secret`.",
    );
  }
  if (e.rotatesWith !== undefined) {
    const leader = byName.get(e.rotatesWith);
    if (!leader || leader.kind !== "secret") {
      issues.add(
        `${at}.rotatesWith`,
        `"${e.rotatesWith}" is not a secret in the catalog.`,
        "name the secret whose resource produces this value.",
      );
    } else if (leader.sources.join() !== e.sources.join() || leader.scope !== e.scope) {
      issues.add(
        `${at}.rotatesWith`,
        `sources and scope must match "${e.rotatesWith}".`,
        "give both entries the same `sources` and `scope`.",
      );
    }
  }
}
