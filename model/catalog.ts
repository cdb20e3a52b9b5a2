import { CatalogEntry, Consumer, CONSUMERS, SecretEntry, SOURCE_KINDS } from "../catalog";
import { isLoopbackUrl } from "./credentialShape";
import { PATTERNS } from "./naming";
import { IssueList } from "./errors";
import { plainValueProblem } from "./plainValues";

const MAX_ROTATION_DAYS = 90;

/**
 * Checks the catalog against the guide before anything is built from it: names, consumers, sources,
 * rotation, overlap, and what local development needs. Throws a `ConfigError` listing every problem.
 * The program, the plan and `env:local` all call it, so a rule holds wherever the catalog is read.
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
    if (entry.kind === "plain") {
      for (const [what, v] of [
        ["default", entry.default],
        ["local.value", entry.local?.value],
      ] as const) {
        const problem = v === undefined ? undefined : plainValueProblem(entry, v);
        if (problem) issues.add(`${at}.${what}`, problem, `fix the ${what} in catalog/index.ts.`);
      }
      if (entry.plainKind === "tuning" && !entry.range) {
        issues.add(`${at}.range`, "a tuning value needs its bounds.", "add `range: { min, max }`.");
      }
    }
  }
  checkLocalDevelopment(catalog, issues);
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
  if (e.sources.includes("external") && !e.issuer) {
    issues.add(
      `${at}.issuer`,
      "an external value needs its issuer: `finalize` names where the old value is revoked.",
      'add `issuer: { name: "...", console: "..." }` to the entry in catalog/index.ts.',
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

/** Consumers an application developer runs on their machine. CI and mobile never read a local `.env`. */
export const LOCAL_CONSUMERS: readonly Consumer[] = ["api", "worker"];

/** Variables of a local `.env`: everything the API or the worker reads, in catalog order. */
export const localEntries = (catalog: CatalogEntry[]): CatalogEntry[] =>
  catalog.filter((e) => e.consumers.some((c) => LOCAL_CONSUMERS.includes(c)));

/** A secret `env:local` generates itself: its catalog sources include `generated`. */
export const isGenerated = (e: CatalogEntry): boolean =>
  e.kind === "secret" && e.sources.includes("generated");

/** Length of a generated local value; the catalog's `length`, as in the deployed `RandomPassword`. */
export const generatedLength = (e: CatalogEntry): number =>
  (e.kind === "secret" ? e.length : undefined) ?? 32;

/**
 * A secret's catalog local value may only be a service on the developer's machine, with no
 * credentials: not in the URL's user part, nor in a query parameter named like one.
 */
export function isLocalServiceUrl(value: string): boolean {
  return isLoopbackUrl(value) && !/pass|secret|token|auth|key/i.test(new URL(value).search);
}

/**
 * The guide's local-development rules on the catalog: it says how every local variable gets its
 * value, and no catalog local value could be a credential. Never echoes a secret's local value: a
 * mistaken one might be a real credential.
 */
function checkLocalDevelopment(catalog: CatalogEntry[], issues: IssueList): void {
  const local = new Set(localEntries(catalog));
  for (const e of catalog) {
    const at = `catalog[${e.name}].local`;
    const value = e.local?.value;
    if (!local.has(e)) {
      if (e.local) {
        issues.add(
          at,
          "neither the API nor the worker reads this variable, so it never goes in a local .env.",
          `remove \`local\` from ${e.name} in catalog/index.ts.`,
        );
      }
      continue;
    }
    if (value !== undefined && /[\r\n]/.test(value)) {
      issues.add(`${at}.value`, "spans several lines.", "keep the local value on one line.");
    }
    if (e.kind === "plain") {
      if (value === undefined && e.default === undefined) {
        issues.add(
          `${at}.value`,
          "plain config without a `default` needs a local value for env:local.",
          `add \`local: { value: "..." }\` to ${e.name} in catalog/index.ts.`,
        );
      }
    } else if (isGenerated(e)) {
      if (value !== undefined) {
        issues.add(
          `${at}.value`,
          "a generated secret gets a fresh random value on every machine; a catalog value would be a shared secret literal.",
          `remove \`local.value\` from ${e.name} in catalog/index.ts.`,
        );
      }
    } else {
      if (!e.local?.instructions) {
        issues.add(
          `${at}.instructions`,
          "env:local cannot generate this secret, so a developer needs to be told how to get a developer-scoped value.",
          `add \`local: { instructions: "..." }\` to ${e.name} in catalog/index.ts.`,
        );
      }
      if (value !== undefined && !isLocalServiceUrl(value)) {
        issues.add(
          `${at}.value`,
          `a secret's local value must be the URL of a service on the developer's machine (localhost, 127.0.0.1, [::1]) without credentials.`,
          "use a URL such as postgresql://localhost:5432/pegasus_dev, or remove it and keep the instructions.",
        );
      }
    }
  }
}
