import * as fs from "fs";
import * as path from "path";
import { CATALOG, CatalogEntry, CONSUMERS, Consumer } from "../../catalog";
import { storedSecrets } from "../../model";
import { writeFileAtomic } from "../../lib/atomicWrite";
import { CliContext, output } from "../shared/context";
import { MATRIX_FILE } from "./matrixFile";

export { MATRIX_FILE };

/** The command that writes it (and checks it with `--check`). */
export const MATRIX_COMMAND = "npx pegasus-secrets docs";

const COLUMN: Record<Consumer, string> = {
  api: "API",
  worker: "Worker",
  mobile: "Mobile",
  ci: "CI",
};

const USAGE: Record<string, string> = { "tests-only": "tests only" };

function receives(e: CatalogEntry, c: Consumer): string {
  if (!e.consumers.includes(c)) return "❌";
  const usage = e.kind === "secret" ? e.usage?.[c] : undefined;
  return usage ? `✅ (${USAGE[usage] ?? usage})` : "✅";
}

const escape = (s: string): string => s.replace(/\|/g, "\\|");

/**
 * The guide's "Environment variable ownership matrix", generated from the catalog: one row per
 * variable, the guide's columns first, then what the catalog adds (kind, source, scope, rotation).
 * Nobody writes the matrix twice (DESIGN.md §3); a test fails when the committed file is stale.
 */
export function renderOwnershipMatrix(catalog: CatalogEntry[]): string {
  const secrets = catalog.filter((e) => e.kind === "secret");
  const plain = catalog.filter((e) => e.kind === "plain");
  const consumers = CONSUMERS.map((c) => COLUMN[c]);
  const out: string[] = [
    "# Environment variable ownership matrix",
    "",
    `<!-- Generated from catalog/index.ts by \`${MATRIX_COMMAND}\`. Do not edit by hand: change the catalog, run the command, commit both. A test fails when this file is stale. -->`,
    "",
    "The secrets-management guide's matrix as the catalog declares it, for every stack. ✅ receives the",
    "variable, ❌ never does. Each ✅ of a secret is an IAM grant to that consumer's runtime identity (CI",
    "reads through Cloud Build) and, where a platform is configured, a delivery to that consumer's env",
    "group; a change to any of them shows in the pull request's access diff (docs/review.md).",
    "",
    "## Secrets",
    "",
    "Stored in GCP Secret Manager, rotated at least every 90 days, never delivered to mobile.",
    "",
    `| Variable | ${consumers.join(" | ")} | Values | Source | Rotation | Notes |`,
    `|---|${consumers.map(() => "---").join("|")}|---|---|---|---|`,
  ];
  for (const e of secrets) {
    if (e.kind !== "secret") continue;
    const sources = e.sources.map((s) =>
      s === e.defaultSource && e.sources.length > 1 ? `${s} (default)` : s,
    );
    const values = e.scope === "perConsumer" ? "one per consumer" : "shared";
    const rotation = `${e.rotationDays} days${e.overlap ? ", overlap window" : ""}${e.rotatesWith ? `, with ${e.rotatesWith}` : ""}`;
    out.push(
      `| \`${e.name}\` | ${CONSUMERS.map((c) => receives(e, c)).join(" | ")} | ${values} | ${sources.join(", ")} | ${rotation} | ${escape(e.notes)} |`,
    );
  }
  out.push(
    "",
    "## Plain config",
    "",
    'Not secret (the guide\'s "explicitly not secrets"): never in Secret Manager, delivered as ordinary variables.',
    "",
    `| Variable | ${consumers.join(" | ")} | Kind | Default | Notes |`,
    `|---|${consumers.map(() => "---").join("|")}|---|---|---|`,
  );
  for (const e of plain) {
    if (e.kind !== "plain") continue;
    out.push(
      `| \`${e.name}\` | ${CONSUMERS.map((c) => receives(e, c)).join(" | ")} | ${e.plainKind} | ${e.default === undefined ? "set per stack" : `\`${e.default}\``} | ${escape(e.notes)} |`,
    );
  }
  out.push(
    "",
    "## Who may read each stored secret",
    "",
    "Every secret the catalog stores in Secret Manager, and the runtime identities allowed to read it. Its",
    "IAM accessor grant and the unexpected-access alert (docs/operations.md) are both built from this",
    "list by the model, so they cannot disagree: a read by any other principal (a person, another",
    "consumer, another stack's identity) counts on the alert. `<prefix>` is the stack's `secretIdPrefix`",
    "(its name by default); a stack grants only the consumers it has a runtime identity for.",
    "`npx pegasus-secrets plan --stack <name>` shows each stack's identities, and `plan --json` the alert's",
    "log filter (`signals.unexpectedAccess`).",
    "",
    "| Secret ID | Variable | Value | Read by the runtime identity of |",
    "|---|---|---|---|",
  );
  for (const e of secrets) {
    if (e.kind !== "secret") continue;
    for (const s of storedSecrets(e)) {
      const value = s.scope === "shared" ? "shared" : `${COLUMN[s.scope]}'s own`;
      out.push(
        `| \`<prefix>-${s.name}\` | \`${e.name}\` | ${value} | ${s.consumers.map((c) => COLUMN[c]).join(", ")} |`,
      );
    }
  }
  return `${out.join("\n")}\n`;
}

/** `docs`: writes the ownership matrix generated from the catalog; with `check`, only compares. */
export async function writeOwnershipMatrix(
  ctx: CliContext,
  opts: { check?: boolean },
): Promise<void> {
  const out = output(ctx);
  const file = path.join(ctx.projectDir, MATRIX_FILE);
  const want = renderOwnershipMatrix(CATALOG);
  const have = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null;
  if (opts.check) {
    if (have !== want) {
      throw new Error(
        `${MATRIX_FILE} is ${have === null ? "missing" : "stale"}: run \`${MATRIX_COMMAND}\` and commit it.`,
      );
    }
    out(`${MATRIX_FILE} matches the catalog.`);
    return;
  }
  if (have === want) {
    out(`${MATRIX_FILE} is up to date.`);
    return;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, want);
  out(`Wrote ${MATRIX_FILE} from the catalog.`);
}
