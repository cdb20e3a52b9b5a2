import * as fs from "fs";
import * as path from "path";

/**
 * Runs spec files inside this Jest test file, each in its own `describe` so its hooks stay its own.
 *
 * Why: Jest gives every test file a fresh module registry, and loading the Pulumi SDK, @pulumi/gcp and
 * our program costs over a second of CPU per file. Two suite files (one per core) load them twice
 * instead of once per spec, which keeps `npm test` fast on two cores. Three suites rather than two:
 * specs spend part of their time waiting on child processes and local servers, and a third worker
 * fills those gaps. Every `*.spec.ts` under test/ belongs to exactly one suite (`first` and `second`
 * take the folders listed for them, `third` the rest), so a new spec can never be skipped. Run one
 * spec alone with `PEGASUS_SPEC=1 npx jest <path>`.
 */
const ROOT = path.resolve(__dirname, "..");
/** Folders per suite, balanced by measured run time; `third` takes every other folder. */
export const SUITES: Record<"first" | "second", string[]> = {
  first: ["stacks", "harness", "cli", "model"],
  second: ["review", "platforms"],
};
export type Suite = "first" | "second" | "third";

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
export function specsOf(suite: Suite): string[] {
  const suiteOf = (folder: string): Suite =>
    SUITES.first.includes(folder) ? "first" : SUITES.second.includes(folder) ? "second" : "third";
  return walk(ROOT)
    .map((f) => path.relative(ROOT, f))
    .filter((f) => suiteOf(f.split(path.sep)[0]) === suite);
}

/** Declares each spec of the suite under a `describe` named by its path. */
export function runSuite(suite: Suite): void {
  for (const spec of specsOf(suite)) {
    describe(spec, () => {
      require(path.join(ROOT, spec));
    });
  }
}
