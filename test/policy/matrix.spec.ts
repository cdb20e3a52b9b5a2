// The policy's ownership matrix (policy/matrix.ts) against the guide it is written from, and the
// `ownership-matrix` rule on catalogs that stay within it and catalogs that grant beyond it. The
// matrix is not copied here: every check reads the guide's own text (docs/guide.md) or runs the rule.
import * as fs from "node:fs";
import * as path from "node:path";
import { CATALOG } from "../../catalog";
import { Cell, MATRIX, MATRIX_CONSUMERS } from "../../policy/matrix";
import { CatalogRow, checkStack } from "../../policy/rules";
import { context } from "./fixtures";

const ROOT = path.resolve(__dirname, "..", "..");
const GUIDE = fs.readFileSync(path.join(ROOT, "docs", "guide.md"), "utf8");

/** The guide's matrix table: variable cell -> the four consumer cells, as written. */
const GUIDE_TABLE = GUIDE.split("\n")
  .filter((l) => /^\| `[A-Z_]+`/.test(l))
  .map((l) => {
    const cells = l.split("|").map((c) => c.trim());
    return {
      line: l,
      names: [...cells[1].matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]),
      cells: cells.slice(2, 6),
    };
  });
const cellOfGuide = (c: string): Cell =>
  c === "✅"
    ? "allowed"
    : c === "✅ (tests only)"
      ? "tests-only"
      : c === "❌"
        ? "forbidden"
        : (() => {
            throw new Error(`unknown cell ${c}`);
          })();

test("every line a row quotes is the guide's, verbatim", () => {
  for (const row of MATRIX)
    for (const line of row.guide)
      expect([row.variable, GUIDE.includes(line)]).toEqual([row.variable, true]);
});

test("every variable of the guide's matrix table has a row, with exactly the table's cells", () => {
  expect(GUIDE_TABLE.map((t) => t.names[0])).toEqual([
    "OPENAI_API_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "PLC_STORAGE_DIR",
    "JWT_SECRET",
  ]);
  for (const t of GUIDE_TABLE) {
    const row = MATRIX.find((r) => r.variable === t.names[0])!;
    expect(row.guide[0]).toBe(t.line);
    expect(MATRIX_CONSUMERS.map((c) => row.cells[c])).toEqual(t.cells.map(cellOfGuide));
  }
});

test("a row that quotes a table row it is not named in (a signing key) takes that row's cells", () => {
  for (const row of MATRIX) {
    const t = GUIDE_TABLE.find((x) => x.line === row.guide[0]);
    if (!t || t.names[0] === row.variable) continue;
    expect([row.variable, MATRIX_CONSUMERS.map((c) => row.cells[c])]).toEqual([
      row.variable,
      t.cells.map(cellOfGuide),
    ]);
    expect(row.reading).toBeDefined();
  }
  expect(MATRIX.filter((r) => r.guide[0] === GUIDE_TABLE[4].line).map((r) => r.variable)).toEqual([
    "JWT_SECRET",
    "SIGNED_URL_KEY",
    "WEBHOOK_SHARED_SECRET",
  ]);
});

test("no secret reaches mobile; only plain rows are public, and only public rows reach mobile", () => {
  for (const row of MATRIX) {
    if (row.kind === "secret")
      expect([row.variable, row.cells.mobile, row.public]).toEqual([
        row.variable,
        "forbidden",
        undefined,
      ]);
    else
      expect([row.variable, row.cells.mobile === "allowed"]).toEqual([
        row.variable,
        row.public === true,
      ]);
  }
});

test("the policy never reads the catalog: the matrix is what the catalog is judged against (D9)", () => {
  const walk = (d: string): string[] =>
    fs
      .readdirSync(d, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
  const importers = walk(path.join(ROOT, "policy"))
    .filter((f) => f.endsWith(".ts") && /from "(\.\.\/)+catalog/.test(fs.readFileSync(f, "utf8")))
    .map((f) => path.relative(ROOT, f));
  expect(importers).toEqual([]);
});

const catalogRows = (): CatalogRow[] =>
  CATALOG.map((e) => ({
    name: e.name,
    kind: e.kind,
    consumers: [...e.consumers],
    usage: e.kind === "secret" ? e.usage : undefined,
  }));
const judge = (rows: CatalogRow[]) =>
  checkStack([], context({ offline: { provenance: [], leaks: [], catalog: rows, localEnv: [] } }))
    .filter((v) => v.policy === "ownership-matrix")
    .map((v) => v.message);
const edit = (name: string, change: Partial<CatalogRow>) =>
  catalogRows().map((r) => (r.name === name ? { ...r, ...change } : r));

test("the catalog of this repository is within the matrix", () => {
  expect(judge(catalogRows())).toEqual([]);
});

describe("a catalog that grants beyond the matrix fails, naming the guide row and both files", () => {
  test.each([
    [
      "JWT_SECRET to the worker",
      "JWT_SECRET",
      ["api", "worker"],
      "| `JWT_SECRET` / signing keys | ✅ | ❌ | ❌ | ❌ | rotate with overlap window |",
    ],
    [
      "JWT_SECRET to CI",
      "JWT_SECRET",
      ["api", "ci"],
      "| `JWT_SECRET` / signing keys | ✅ | ❌ | ❌ | ❌ | rotate with overlap window |",
    ],
    [
      "SIGNED_URL_KEY to the worker",
      "SIGNED_URL_KEY",
      ["api", "worker"],
      "| `JWT_SECRET` / signing keys | ✅ | ❌ | ❌ | ❌ | rotate with overlap window |",
    ],
    [
      "HTTP_TIMEOUT_MS (not public) to mobile",
      "HTTP_TIMEOUT_MS",
      ["api", "mobile"],
      "- Non-sensitive tuning values (timeouts, batch sizes)",
    ],
  ])("%s", (_, name, consumers, row) => {
    const [message] = judge(edit(name, { consumers }));
    expect(message).toContain(
      `catalog/index.ts grants ${name} to ${consumers[1]}, but policy/matrix.ts (the guide's ownership matrix) forbids ${name} for ${consumers[1]} (guide: "${row}"`,
    );
  });
  test("CI's OpenAI key without its tests-only restriction", () => {
    expect(judge(edit("OPENAI_API_KEY", { usage: undefined }))).toEqual([
      'catalog/index.ts grants OPENAI_API_KEY to ci without restricting it to tests, but policy/matrix.ts allows ci only in tests (guide: "| `OPENAI_API_KEY` | ✅ | ✅ | ❌ | ✅ (tests only) | separate prod/staging keys |"). Set `usage: { ci: "tests-only" }` on OPENAI_API_KEY.',
    ]);
  });
  test("a variable the matrix does not list, and a secret made plain", () => {
    expect(
      judge([...catalogRows(), { name: "STRIPE_KEY", kind: "secret", consumers: ["api"] }]),
    ).toEqual([
      "catalog/index.ts declares STRIPE_KEY, which is no variable of policy/matrix.ts (the guide's ownership matrix). Add a row to the matrix first, quoting the guide (a change to the rules, reviewed by an owner), or remove it from catalog/index.ts.",
    ]);
    expect(judge(edit("REDIS_URL", { kind: "plain" }))[0]).toContain(
      "catalog/index.ts declares REDIS_URL plain, but policy/matrix.ts marks it secret",
    );
  });
  test("a catalog that cannot be read is refused, not passed", () => {
    const vs = checkStack(
      [],
      context({
        offline: { provenance: [], leaks: [], catalog: { problem: "SyntaxError" }, localEnv: [] },
      }),
    );
    expect(vs.map((v) => v.message)).toEqual([
      "The catalog of this revision could not be read (SyntaxError), so it cannot be checked against policy/matrix.ts. Fix the catalog so it loads.",
    ]);
  });
});
