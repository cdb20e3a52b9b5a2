import * as fs from "fs";
import * as path from "path";

/**
 * Runs spec files inside this Jest test file, each in its own `describe` so its hooks stay its own.
 *
 * Why: Jest gives every test file a fresh module registry, and loading the Pulumi SDK, @pulumi/gcp and
 * our program costs over a second of CPU per file. Two suite files (one per core) load them twice
 * instead of once per spec, which keeps `npm test` fast on two cores. Every `*.spec.ts` under test/
 * belongs to exactly one suite (`first` takes the folders listed in FIRST, `second` the rest), so a new
 * spec can never be skipped. Run one spec alone with `PEGASUS_SPEC=1 npx jest <path>`.
 */
const ROOT = path.resolve(__dirname, "..");
export const FIRST = ["stacks", "cli", "model", "components", "repo", "harness", "local"];

const walk = (dir: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? e.name === "fixtures" || e.name === "suites"
          ? []
          : walk(path.join(dir, e.name))
        : e.name.endsWith(".spec.ts")
          ? [path.join(dir, e.name)]
          : [],
    )
    .sort();

/** The spec files of one suite, relative to test/. */
export function specsOf(suite: "first" | "second"): string[] {
  return walk(ROOT)
    .map((f) => path.relative(ROOT, f))
    .filter((f) => FIRST.includes(f.split(path.sep)[0]) === (suite === "first"));
}

/** Declares each spec of the suite under a `describe` named by its path. */
export function runSuite(suite: "first" | "second"): void {
  for (const spec of specsOf(suite)) {
    describe(spec, () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(path.join(ROOT, spec));
    });
  }
}
