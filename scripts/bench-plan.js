#!/usr/bin/env node
// `npm run bench`: whole-process time and peak memory of the offline plan, for both stacks and for
// generated catalogs of 10, 100 and 1,000 secrets, next to a flat program that declares the same
// resources with the SDK directly (the cost of our catalog, model and components over the SDK's floor).
// Prints figures; asserts nothing. Each measurement is a fresh process, repeated, median reported.
const { spawnSync } = require("child_process");
const path = require("path");

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const child = path.join(__dirname, "benchChild.ts");
const register = ["-r", path.join(__dirname, "..", "bin", "register.js")];

function measure(args) {
  const times = [];
  let last;
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [...register, child, ...args], {
      encoding: "utf8",
      maxBuffer: 1 << 26,
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`bench ${args.join(" ")} failed: ${r.stderr.trim()}`);
    last = JSON.parse(r.stdout.trim().split("\n").pop());
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  return {
    ms: times[Math.floor(times.length / 2)],
    mib: last.maxRssKiB / 1024,
    resources: last.resources,
  };
}

/** Every label the table prints, so the first column fits the longest ("plan --stack production"). */
const LABELS = [
  "measurement",
  ...["staging", "production"].map((s) => `plan --stack ${s}`),
  ...[10, 100, 1000].flatMap((n) => [`flat SDK, ${n} secrets`, `program, ${n} secrets`]),
];
const LABEL_WIDTH = Math.max(...LABELS.map((l) => l.length));

/** The header line: every column name right-aligned over its figures. */
const header = () =>
  `${"measurement".padEnd(LABEL_WIDTH)} ${"res.".padStart(6)} ${"time ms".padStart(9)} ${"peak MiB".padStart(9)}   vs flat SDK program`;

/** One line of figures, in the header's columns. */
const row = (label, m, base) =>
  `${label.padEnd(LABEL_WIDTH)} ${String(m.resources).padStart(6)} ${m.ms.toFixed(0).padStart(9)} ${m.mib.toFixed(0).padStart(9)}` +
  (base
    ? `   ${(m.ms / base.ms).toFixed(2).padStart(5)}x time  ${(m.mib / base.mib).toFixed(2).padStart(5)}x memory`
    : "");

function main() {
  console.log(
    `node ${process.version}, ${require("os").cpus().length} cores, median of ${RUNS} runs per line`,
  );
  console.log(header());
  for (const stack of ["staging", "production"])
    console.log(row(`plan --stack ${stack}`, measure(["plan", stack])));
  for (const n of [10, 100, 1000]) {
    const flat = measure(["flat", String(n)]);
    const model = measure(["model", String(n)]);
    console.log(row(`flat SDK, ${n} secrets`, flat));
    console.log(row(`program, ${n} secrets`, model, flat));
  }
}

if (require.main === module) main();
module.exports = { header, row, LABELS };
