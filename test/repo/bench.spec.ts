// `npm run bench` prints a table: its header's columns line up with every row's figures, whichever
// label is longest. The measurements themselves are not run here (they take minutes).
import * as path from "path";
import { PROJECT_DIR } from "../helpers";

const bench = require(path.join(PROJECT_DIR, "scripts", "bench-plan.js")) as {
  header(): string;
  row(label: string, resources: number, ours: object, floor: object, time?: object): string;
  LABELS: string[];
};

/** Where each column ends: the last character of each right-aligned field. */
const ends = (line: string) => [...line.matchAll(/\S+(?= |$)/g)].map((m) => m.index + m[0].length);

test("every row's figures end under their column names", () => {
  const header = bench.header();
  const ours = { ms: 98765.4, mib: 1321.9 };
  const floor = { ms: 1000, mib: 100 };
  const time = { median: 97.5, min: 90.25, max: 101 };
  const columns = [
    "res.",
    "ours ms",
    "floor ms",
    "time",
    "pairs",
    "ours MiB",
    "floor MiB",
    "memory",
  ];
  const headerEnds = columns.map((c) => header.indexOf(c) + c.length);
  for (const label of bench.LABELS.slice(1)) {
    const line = bench.row(label, 12345, ours, floor, time);
    expect([label, ends(line).slice(-columns.length)]).toEqual([label, headerEnds]);
    // The time multiple is the pairs' median, with their range; memory is the medians' ratio.
    expect(line).toContain(" 97.50x");
    expect(line).toContain("90.25-101.00");
    expect(line).toContain("13.22x");
  }
  // Without pairs, the ratio of the medians, and no range.
  expect(bench.row("plan --stack staging", 1, ours, floor)).toMatch(/98\.77x +n\/a /);
});
