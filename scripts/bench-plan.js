#!/usr/bin/env node
// `npm run bench`: our commands against the SDK's floor, whole processes, as ratios.
//
// For each stack, and for the staging stack with 10, 100 and 1,000 generated secrets added to the
// catalog, it runs `pegasus-secrets plan --json` once, then registers that plan's own resources
// flat from plain JavaScript (scripts/benchFloor.js: the SDK's resource classes, the same runtime
// mocks, no catalog, model, components or TypeScript): the floor. `access-diff --base HEAD` (both
// stacks: four plans) and `policy-check` (two plans) are set against one floor run per plan they
// make, one after the other. Every run is a fresh process; ours and the floor take turns
// (A B A B ...); times and memory are medians of BENCH_RUNS runs (default 5), and the time ratio is
// the median of the pairs' ratios (each run of ours against the floor's run beside it, so a machine
// whose speed drifts moves both), with their range beside it. Peak memory is the largest process's
// maximum resident set, from /usr/bin/time. It prints figures and asserts nothing.
//
// The CLI defers the SDK's function serializer (bin/deferSdk.js), which a plain program's
// `require("@pulumi/pulumi")` loads, so the CLI can come in under that floor. The lines marked
// "floor defers too" set the staging plan and the largest catalog against the floor run with the
// same deferral: what the CLI costs over the SDK's own work, start-up trick for start-up trick.
//
// Knobs: BENCH_RUNS (runs per figure, default 5), BENCH_SIZES (generated catalog sizes, default
// "10,100,1000"), BENCH_ONLY (a comma list of `stacks`, `sizes`, `review` to run a part).
const { execFileSync, spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SIZES = (process.env.BENCH_SIZES ?? "10,100,1000").split(",").filter(Boolean).map(Number);
const ONLY = (process.env.BENCH_ONLY ?? "stacks,sizes,review").split(",");
const TIME = "/usr/bin/time";
const hasTime = fs.existsSync(TIME);

/**
 * Runs one command in a fresh process; returns its wall time (ms), its peak memory (KiB, the
 * largest process of its tree) and its standard output. Fails loudly on a non-zero exit.
 */
function run(argv, cwd) {
  // Inside the scratch folder, so it goes with it.
  const rss = path.join(tmp, "peak.rss");
  const [cmd, args] = hasTime
    ? [TIME, ["-q", "-f", "%M", "-o", rss, ...argv]]
    : [argv[0], argv.slice(1)];
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) {
    throw new Error(`${argv.join(" ")} (in ${cwd}) failed: ${(r.stderr || "").trim()}`);
  }
  const kib = hasTime ? Number(fs.readFileSync(rss, "utf8").trim().split("\n").pop()) : NaN;
  return { ms, kib, stdout: r.stdout };
}

/** Several commands one after the other: their summed time, the largest peak memory. */
function runAll(list) {
  let ms = 0;
  let kib = 0;
  for (const [argv, cwd] of list) {
    const r = run(argv, cwd);
    ms += r.ms;
    kib = Math.max(kib, r.kib);
  }
  return { ms, kib };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Ours and the floor in turn, RUNS times each: the median time and memory of each side, and the
 * ratios pair by pair (run i of ours against run i of the floor, taken one after the other), whose
 * median is the figure quoted and whose smallest and largest show how noisy the machine was.
 */
function compare(ours, floor) {
  const a = [];
  const b = [];
  for (let i = 0; i < RUNS; i++) {
    a.push(ours());
    b.push(floor());
  }
  const m = (xs, k) => median(xs.map((x) => x[k]));
  const ratios = a.map((x, i) => x.ms / b[i].ms);
  return {
    ours: { ms: m(a, "ms"), mib: m(a, "kib") / 1024 },
    floor: { ms: m(b, "ms"), mib: m(b, "kib") / 1024 },
    time: { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) },
  };
}

const node = process.execPath;
const cli = (dir) => path.join(dir, "bin", "pegasus-secrets.js");
const FLOOR = path.join(__dirname, "benchFloor.js");
const DEFER = path.join(ROOT, "bin", "deferSdk.js");
const DEFERS = ", floor defers too";
/** The bench's scratch folder, made by main() (requiring this module, as its spec does, makes none). */
let tmp;

/** Runs the plan once (it also fills the transpile cache) and writes it where the floor reads it. */
function planFile(dir, stack) {
  const { stdout } = run([node, cli(dir), "plan", "--stack", stack, "--json"], dir);
  const file = path.join(tmp, `${path.basename(dir)}-${stack}.json`);
  fs.writeFileSync(file, stdout);
  return { file, resources: JSON.parse(stdout).resources.length };
}

/**
 * A copy of the project's tracked files (as they are in the working tree) with `n` generated
 * secrets added to the catalog: each a generated value for the API and the worker, the shape that
 * scales (a value, a secret, a version, an accessor binding).
 */
function projectWith(n) {
  const dir = path.join(tmp, `catalog-${n}`);
  const files = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" })
    .split("\0")
    .filter(Boolean);
  for (const f of files) {
    const from = path.join(ROOT, f);
    if (!fs.existsSync(from) || fs.lstatSync(from).isDirectory()) continue;
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(from, path.join(dir, f));
  }
  fs.symlinkSync(fs.realpathSync(path.join(ROOT, "node_modules")), path.join(dir, "node_modules"));
  fs.appendFileSync(
    path.join(dir, "catalog", "index.ts"),
    `
// Generated by npm run bench.
CATALOG.push(
  ...Array.from({ length: ${n} }, (_, i): CatalogEntry => ({
    name: \`BENCH_SECRET_\${i}\`,
    kind: "secret",
    description: "benchmark secret",
    consumers: ["api", "worker"],
    notes: "",
    sources: ["generated"],
    defaultSource: "generated",
    scope: "shared",
    rotationDays: 90,
    overlap: false,
  })),
);
`,
  );
  return dir;
}

/** Every label the table prints, so the first column fits the longest. */
const LABELS = [
  "measurement",
  "plan --stack staging",
  "plan --stack production",
  `plan --stack staging${DEFERS}`,
  ...SIZES.map((n) => `plan, +${n} generated secrets`),
  `plan, +${Math.max(...SIZES)} generated secrets${DEFERS}`,
  "access-diff --base HEAD (4 plans)",
  "policy-check (2 plans)",
];
const W = Math.max(...LABELS.map((l) => l.length));
const COLS = ["res.", "ours ms", "floor ms", "time", "pairs", "ours MiB", "floor MiB", "memory"];
const WIDTHS = [6, 9, 9, 7, 12, 9, 10, 7];

/** The header line: every column name right-aligned over its figures. */
const header = () =>
  ["measurement".padEnd(W), ...COLS.map((c, i) => c.padStart(WIDTHS[i]))].join(" ");

/**
 * One line of figures, in the header's columns: ours, the floor, and ours as a multiple of it. The
 * time multiple is the median of the pairs' ratios (`time` from {@link compare}; the ratio of the
 * medians when there is none), `pairs` their range.
 */
const row = (label, resources, ours, floor, time) => {
  const t = time ?? { median: ours.ms / floor.ms, min: NaN, max: NaN };
  return [
    label.padEnd(W),
    String(resources),
    ours.ms.toFixed(0),
    floor.ms.toFixed(0),
    `${t.median.toFixed(2)}x`,
    Number.isNaN(t.min) ? "n/a" : `${t.min.toFixed(2)}-${t.max.toFixed(2)}`,
    Number.isNaN(ours.mib) ? "n/a" : ours.mib.toFixed(0),
    Number.isNaN(floor.mib) ? "n/a" : floor.mib.toFixed(0),
    Number.isNaN(ours.mib) ? "n/a" : `${(ours.mib / floor.mib).toFixed(2)}x`,
  ]
    .map((f, i) => (i === 0 ? f : f.padStart(WIDTHS[i - 1])))
    .join(" ");
};

function main() {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-bench-"));
  console.log(
    `node ${process.version}, ${os.availableParallelism()} cores, ${RUNS} runs each, ours and the floor in turn; time: the median of the pairs' ratios, pairs: their range` +
      (hasTime ? "" : ` (no ${TIME}: memory not measured)`),
  );
  console.log(header());
  const print = (label, resources, c) =>
    console.log(row(label, resources, c.ours, c.floor, c.time));
  const plans = {};
  try {
    if (ONLY.includes("stacks") || ONLY.includes("review")) {
      for (const stack of ["staging", "production"]) plans[stack] = planFile(ROOT, stack);
    }
    if (ONLY.includes("stacks")) {
      for (const stack of ["staging", "production"]) {
        const c = compare(
          () => run([node, cli(ROOT), "plan", "--stack", stack, "--json"], ROOT),
          () => run([node, FLOOR, plans[stack].file], ROOT),
        );
        print(`plan --stack ${stack}`, plans[stack].resources, c);
      }
      const c = compare(
        () => run([node, cli(ROOT), "plan", "--stack", "staging", "--json"], ROOT),
        () => run([node, "-r", DEFER, FLOOR, plans.staging.file], ROOT),
      );
      print(`plan --stack staging${DEFERS}`, plans.staging.resources, c);
    }
    const slopes = [];
    if (ONLY.includes("sizes")) {
      for (const n of SIZES) {
        const dir = projectWith(n);
        const p = planFile(dir, "staging");
        const c = compare(
          () => run([node, cli(dir), "plan", "--stack", "staging", "--json"], dir),
          () => run([node, FLOOR, p.file], dir),
        );
        print(`plan, +${n} generated secrets`, p.resources, c);
        slopes.push({ resources: p.resources, ...c });
        if (n === Math.max(...SIZES)) {
          const d = compare(
            () => run([node, cli(dir), "plan", "--stack", "staging", "--json"], dir),
            () => run([node, "-r", DEFER, FLOOR, p.file], dir),
          );
          print(`plan, +${n} generated secrets${DEFERS}`, p.resources, d);
        }
      }
    }
    if (ONLY.includes("review")) {
      const floorOf = (stacks) => stacks.map((s) => [[node, FLOOR, plans[s].file], ROOT]);
      const both = ["staging", "production"];
      const diff = compare(
        () => run([node, cli(ROOT), "access-diff", "--base", "HEAD", "--json"], ROOT),
        () => runAll(floorOf([...both, ...both])),
      );
      const count = 2 * (plans.staging.resources + plans.production.resources);
      print("access-diff --base HEAD (4 plans)", count, diff);
      const policy = compare(
        () => run([node, cli(ROOT), "policy-check", "--json"], ROOT),
        () => runAll(floorOf(both)),
      );
      print("policy-check (2 plans)", count / 2, policy);
    }
    // How the plan's own work grows: time per added resource, between the two largest catalogs.
    if (slopes.length >= 2) {
      const [a, b] = slopes.slice(-2);
      const per = (k) => (b[k].ms - a[k].ms) / (b.resources - a.resources);
      console.log(
        `per resource added (${a.resources} -> ${b.resources}): ours ${per("ours").toFixed(2)} ms, floor ${per("floor").toFixed(2)} ms (${(per("ours") / per("floor")).toFixed(2)}x)`,
      );
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) main();
module.exports = { header, row, LABELS };
