// `npm run bench` prints a table: its header's columns line up with every row's figures, whichever
// label is longest. The measurements themselves are not run here (they take minutes).
import * as path from "path";
import { PROJECT_DIR } from "../helpers";

const bench = require(path.join(PROJECT_DIR, "scripts", "bench-plan.js")) as {
  header(): string;
  row(label: string, m: object, base?: object): string;
  LABELS: string[];
};

/** Where each column ends: the last character of each right-aligned field. */
const ends = (line: string) => [...line.matchAll(/\S+(?= |$)/g)].map((m) => m.index + m[0].length);

test("every row's figures end under their column names", () => {
  const header = bench.header();
  const m = { resources: 1234, ms: 98765.4, mib: 321.9 };
  const flat = { resources: 1000, ms: 1000, mib: 100 };
  const headerEnds = ["res.", "time ms", "peak MiB"].map((c) => header.indexOf(c) + c.length);
  for (const label of bench.LABELS.slice(1)) {
    const line = bench.row(label, m, label.startsWith("program") ? flat : undefined);
    expect([label, ends(line.slice(0, header.split("   vs")[0].length)).slice(-3)]).toEqual([
      label,
      headerEnds,
    ]);
  }
});
