import * as fs from "fs";
import * as path from "path";

/**
 * Runs spec files inside this Jest test file, each in its own `describe` so its hooks stay its own.
 *
 * Why: Jest gives every test file a fresh module registry, and loading the Pulumi SDK, @pulumi/gcp and
 * our program costs over a second of CPU per file. Three suite files load them three times instead
 * of once per spec, which keeps `npm test` fast on two cores: one suite per core, and a third
 * worker that fills the time specs spend waiting on child processes and local servers. Every
 * `*.spec.ts` under test/ belongs to exactly one suite (`first` and `second` take the folders listed
 * for them, `third` the rest), so a new spec can never be skipped. Run specs alone by path:
 * `npx jest test/cli/runbook` (jest.config.js then runs the spec files themselves).
 */
const ROOT = path.resolve(__dirname, "..", "..");
/** Where specs live: the project's tests, and each workspace package's own self-tests. */
const SPEC_ROOTS = [
  "test",
  ...fs.readdirSync(path.join(ROOT, "packages")).map((p) => path.join("packages", p, "test")),
];
/** Folders per suite (relative to the repository), balanced by measured run time; `third` takes every other folder. */
export const SUITES: Record<"first" | "second", string[]> = {
  first: [
    "test/stacks",
    "packages/test-engine/test",
    "test/cli/shared",
    "test/bin",
    "test/lib",
    "test/model",
  ],
  second: [
    "test/cli/review",
    "test/policy",
    "test/cli/commands",
    "test/cli/doctor",
    "test/rotation",
    "test/github",
  ],
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

/** The spec files of one suite, relative to the repository. */
export function specsOf(suite: Suite): string[] {
  const suiteOf = (file: string): Suite => {
    const within = (folders: string[]) => folders.some((d) => file.startsWith(`${d}${path.sep}`));
    return within(SUITES.first) ? "first" : within(SUITES.second) ? "second" : "third";
  };
  return SPEC_ROOTS.flatMap((r) =>
    fs.existsSync(path.join(ROOT, r)) ? walk(path.join(ROOT, r)) : [],
  )
    .map((f) => path.relative(ROOT, f))
    .filter((f) => suiteOf(f) === suite);
}

/** Declares each spec of the suite under a `describe` named by its path. */
export function runSuite(suite: Suite): void {
  runSpecs(specsOf(suite));
}

/** Declares each of the spec files (relative to the repository) under a `describe` named by its path. */
export function runSpecs(specs: string[]): void {
  for (const spec of specs) {
    describe(spec, () => {
      require(path.join(ROOT, spec));
    });
  }
}
