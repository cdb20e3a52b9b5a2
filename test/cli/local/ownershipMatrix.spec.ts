// The ownership matrix in docs/ is generated from the catalog; this fails when someone changes the
// catalog without regenerating it (or edits the generated file by hand).
import * as fs from "node:fs";
import * as path from "node:path";
import { CATALOG } from "../../../catalog";
import { MATRIX_FILE, renderOwnershipMatrix } from "../../../cli/local/ownershipMatrix";
import { PROJECT_DIR } from "../../helpers";

test(`${MATRIX_FILE} is up to date with the catalog (run \`npx pegasus-secrets docs\` if not)`, () => {
  const committed = fs.readFileSync(path.join(PROJECT_DIR, MATRIX_FILE), "utf8");
  expect(committed).toBe(renderOwnershipMatrix(CATALOG));
});

test("the matrix has one row per catalog variable, and no secret reaches mobile", () => {
  const rows = renderOwnershipMatrix(CATALOG)
    .split("\n")
    .filter((l) => /^\| `[A-Z0-9_]+` \|/.test(l));
  expect(rows.map((r) => /`([A-Z0-9_]+)`/.exec(r)?.[1])).toEqual([
    ...CATALOG.filter((e) => e.kind === "secret").map((e) => e.name),
    ...CATALOG.filter((e) => e.kind === "plain").map((e) => e.name),
  ]);
  // Columns: Variable, API, Worker, Mobile, CI, ...
  const secretRows = rows.slice(0, CATALOG.filter((e) => e.kind === "secret").length);
  expect(secretRows.every((r) => r.split(" | ")[3] === "❌")).toBe(true);
  expect(rows.find((r) => r.startsWith("| `OPENAI_API_KEY`"))).toBe(
    "| `OPENAI_API_KEY` | ✅ | ✅ | ❌ | ✅ (tests only) | one per consumer | external | 90 days | separate prod/staging keys |",
  );
});

test("a catalog change shows in the generated matrix", () => {
  const changed = CATALOG.map((e) =>
    e.name === "JWT_SECRET" ? { ...e, consumers: [...e.consumers, "worker" as const] } : e,
  );
  expect(renderOwnershipMatrix(changed)).not.toBe(renderOwnershipMatrix(CATALOG));
  expect(renderOwnershipMatrix(changed)).toContain("| `JWT_SECRET` | ✅ | ✅ | ❌ | ❌ |");
});
