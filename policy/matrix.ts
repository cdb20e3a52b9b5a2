/**
 * The guide's ownership matrix as policy data (DESIGN.md D9): what is *allowed*, kept apart from the
 * catalog, which says what is *deployed*. Every variable × consumer cell is `allowed`,
 * `tests-only` or `forbidden`, and every variable is `secret` or `plain`. Each row quotes the lines
 * of the guide (docs/guide.md, verbatim; test/policy/matrix.spec.ts checks every quote and every
 * cell against them) it is written from.
 *
 * The rules of the pack, `policy-check`, the access diff and the manifest lint judge the catalog,
 * the IAM grants, the platform deliveries, the local env and the deploy manifests against this
 * table. On a pull request the base commit's copy judges (docs/review.md), so a change here is a
 * change to the rules: it is marked in the PR comment, needs an owner's review (CODEOWNERS), and
 * takes effect once merged.
 *
 * One cohesive table; keep it in the guide's order.
 */

/** The guide's matrix columns. */
export const MATRIX_CONSUMERS = ["api", "worker", "mobile", "ci"] as const;
export type MatrixConsumer = (typeof MATRIX_CONSUMERS)[number];

/** A cell: ✅, ✅ (tests only), ❌. */
export type Cell = "allowed" | "tests-only" | "forbidden";

/** One variable of the policy's matrix. */
export interface MatrixRow {
  variable: string;
  /** `secret`: only ever delivered as a secret. `plain`: never stored or delivered as a secret value. */
  kind: "secret" | "plain";
  cells: Record<MatrixConsumer, Cell>;
  /** Plain only: public (feature flags, public URLs), so it may reach mobile bundles and static sites. */
  public?: boolean;
  /** Secret only: each consumer holds its own value (guide, baseline rule 4), so two may never be equal. */
  separateValues?: boolean;
  /** The guide's lines this row is written from, verbatim (its matrix row first, when it has one). */
  guide: string[];
  /** How the guide is read, for a variable its matrix table does not list by name. */
  reading?: string;
}

const ROW = {
  openai: "| `OPENAI_API_KEY` | ✅ | ✅ | ❌ | ✅ (tests only) | separate prod/staging keys |",
  database: "| `DATABASE_URL` | ✅ | ✅ | ❌ | ✅ | production DB creds never used locally |",
  redis: "| `REDIS_URL` | ✅ | ✅ | ❌ | ✅ | isolate by environment |",
  plc: "| `PLC_STORAGE_DIR` | ✅ | ✅ | ❌ | ✅ | non-secret path; keep env-specific |",
  signing: "| `JWT_SECRET` / signing keys | ✅ | ❌ | ❌ | ❌ | rotate with overlap window |",
};
const LEAST_PRIVILEGE = "4. Use least privilege (separate keys for API vs worker where possible).";
const OBJECT_STORAGE = "- Object storage credentials (`AWS_*`, `GCP_*`, signed URL keys)";

const cells = (api: Cell, worker: Cell, mobile: Cell, ci: Cell): Record<MatrixConsumer, Cell> => ({
  api,
  worker,
  mobile,
  ci,
});
const A: Cell = "allowed";
const T: Cell = "tests-only";
const F: Cell = "forbidden";

export const MATRIX: readonly MatrixRow[] = [
  {
    variable: "OPENAI_API_KEY",
    kind: "secret",
    cells: cells(A, A, F, T),
    separateValues: true,
    guide: [ROW.openai, LEAST_PRIVILEGE],
  },
  {
    variable: "DATABASE_URL",
    kind: "secret",
    cells: cells(A, A, F, A),
    separateValues: true,
    guide: [ROW.database, LEAST_PRIVILEGE],
  },
  {
    variable: "REDIS_URL",
    kind: "secret",
    cells: cells(A, A, F, A),
    guide: [ROW.redis],
    reading:
      "one value shared by its consumers: a Redis instance issues one AUTH string, so separate keys are not possible.",
  },
  { variable: "PLC_STORAGE_DIR", kind: "plain", cells: cells(A, A, F, A), guide: [ROW.plc] },
  { variable: "JWT_SECRET", kind: "secret", cells: cells(A, F, F, F), guide: [ROW.signing] },
  {
    variable: "SIGNED_URL_KEY",
    kind: "secret",
    cells: cells(A, F, F, F),
    guide: [ROW.signing, OBJECT_STORAGE],
    reading: "a signing key: the row `JWT_SECRET` / signing keys.",
  },
  {
    variable: "WEBHOOK_SHARED_SECRET",
    kind: "secret",
    cells: cells(A, F, F, F),
    guide: [ROW.signing, "- Signing keys and webhook shared secrets"],
    reading:
      "listed in scope with the signing keys, and like them it verifies signatures: the row `JWT_SECRET` / signing keys.",
  },
  {
    variable: "AWS_ACCESS_KEY_ID",
    kind: "secret",
    cells: cells(A, A, F, F),
    separateValues: true,
    guide: [OBJECT_STORAGE, LEAST_PRIVILEGE],
    reading:
      "not in the matrix table: the API and worker read object storage, each with its own key; mobile and CI get none (least privilege).",
  },
  {
    variable: "AWS_SECRET_ACCESS_KEY",
    kind: "secret",
    cells: cells(A, A, F, F),
    separateValues: true,
    guide: [OBJECT_STORAGE, LEAST_PRIVILEGE],
    reading:
      "not in the matrix table: the API and worker read object storage, each with its own key; mobile and CI get none (least privilege).",
  },
  {
    variable: "PUBLIC_API_URL",
    kind: "plain",
    cells: cells(A, A, A, A),
    public: true,
    guide: ["- Public URLs/endpoints"],
    reading: "explicitly not a secret, and public: any consumer, mobile included.",
  },
  {
    variable: "FEATURE_GENERATE_V2",
    kind: "plain",
    cells: cells(A, A, A, A),
    public: true,
    guide: ["- Feature flags"],
    reading: "explicitly not a secret, and public: any consumer, mobile included.",
  },
  {
    variable: "HTTP_TIMEOUT_MS",
    kind: "plain",
    cells: cells(A, A, F, A),
    guide: ["- Non-sensitive tuning values (timeouts, batch sizes)"],
    reading: "explicitly not a secret, but server tuning: not marked public, so not for mobile.",
  },
  {
    variable: "INGEST_BATCH_SIZE",
    kind: "plain",
    cells: cells(A, A, F, A),
    guide: ["- Non-sensitive tuning values (timeouts, batch sizes)"],
    reading: "explicitly not a secret, but server tuning: not marked public, so not for mobile.",
  },
];

/** Where the rules live, for messages that name both sides of a disagreement. */
export const MATRIX_FILE = "policy/matrix.ts";
export const CATALOG_FILE = "catalog/index.ts";

const BY_NAME = new Map(MATRIX.map((r) => [r.variable, r]));

/** Suffix of a signing key's previous value, delivered during its overlap window. */
const PREVIOUS = /_PREVIOUS$/;

/** The row of a variable (`JWT_SECRET_PREVIOUS` is `JWT_SECRET`'s), or undefined if it has none. */
export function matrixRow(variable: string): MatrixRow | undefined {
  return BY_NAME.get(variable) ?? BY_NAME.get(variable.replace(PREVIOUS, ""));
}

/** The matrix's secret variables. */
export const MATRIX_SECRETS: ReadonlySet<string> = new Set(
  MATRIX.filter((r) => r.kind === "secret").map((r) => r.variable),
);

/** The cell of a variable for a consumer; `forbidden` for a consumer the guide has no column for. */
export function cellOf(row: MatrixRow, consumer: string): Cell {
  return (MATRIX_CONSUMERS as readonly string[]).includes(consumer)
    ? row.cells[consumer as MatrixConsumer]
    : "forbidden";
}

/** True when the matrix lets `consumer` receive the variable at all (tests-only included). */
export const mayReceive = (row: MatrixRow, consumer: string): boolean =>
  cellOf(row, consumer) !== "forbidden";

/** The guide row a finding names: its first quoted line, in quotes. */
export const guideRow = (row: MatrixRow): string => `guide: "${row.guide[0]}"`;

/** The consumers a variable is allowed for, for messages (`api, worker, ci (tests only)`). */
export const allowedText = (row: MatrixRow): string =>
  MATRIX_CONSUMERS.filter((c) => row.cells[c] !== "forbidden")
    .map((c) => (row.cells[c] === "tests-only" ? `${c} (tests only)` : c))
    .join(", ") || "nobody";
