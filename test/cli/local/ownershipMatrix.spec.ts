// The ownership matrix in docs/ is generated from the catalog; this fails when someone changes the
// catalog without regenerating it (or edits the generated file by hand).
import * as fs from "node:fs";
import * as path from "node:path";
import { CATALOG } from "../../../catalog";
import { MATRIX_FILE, renderOwnershipMatrix } from "../../../cli/local/ownershipMatrix";
import { buildModel } from "../../../model";
import { PROJECT_DIR, stackRaw } from "../../helpers";

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
  expect(renderOwnershipMatrix(changed)).toContain(
    "| `<prefix>-jwt-secret` | `JWT_SECRET` | shared | API, Worker |",
  );
});

test.each(["staging", "production"])(
  "the readers table is what the %s fixture stack's IAM grants and unexpected-access alert allow",
  (stack) => {
    const model = buildModel(CATALOG, stack, stackRaw(stack));
    const consumerOf = new Map(model.identities.map((i) => [i.email, i.consumer as string]));
    const column: Record<string, string> = { API: "api", Worker: "worker", CI: "ci" };
    // Rows of the readers table: `<prefix>-name` | variable | value | readers.
    const table = renderOwnershipMatrix(CATALOG)
      .split("\n")
      .filter((l) => l.startsWith("| `<prefix>-"))
      .map((l) => l.split(" | "))
      .map(([id, , , readers]) => [
        id.replace("| `<prefix>-", `${model.config.secretIdPrefix}-`).replace(/`$/, ""),
        readers
          .replace(/ \|$/, "")
          .split(", ")
          .map((r) => column[r])
          .sort(),
      ]);
    // Every grant of the stack resolves to a consumer, so the comparison below is by consumer.
    expect(model.signals.readers.flatMap((s) => s.readers).every((e) => consumerOf.has(e))).toBe(
      true,
    );
    expect(table).toEqual(
      model.signals.readers.map((s) => [
        s.secretId,
        s.readers.map((e) => consumerOf.get(e)!).sort(),
      ]),
    );
    expect(table.length).toBeGreaterThan(0);
  },
);
