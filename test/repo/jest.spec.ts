// How Jest finds the tests: `npx jest <path>` (the form the docs show) runs those spec files, with
// no variable to set; `npx jest` alone runs every spec through the suite files. As child processes
// (`jest --listTests` lists what a run would run, without running it).
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../helpers";
import { specsOf } from "../suites/specs";

const listTests = (args: string[]): Promise<string[]> => {
  const env = { ...process.env };
  delete env.PEGASUS_SPEC;
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [path.join(PROJECT_DIR, "node_modules", "jest", "bin", "jest.js"), "--listTests", ...args],
      { cwd: PROJECT_DIR, env, timeout: 30_000 },
      (err, stdout) =>
        err
          ? reject(err)
          : resolve(
              stdout
                .split("\n")
                .filter(Boolean)
                .map((f) => path.relative(PROJECT_DIR, f))
                .sort(),
            ),
    ),
  );
};

test("npx jest <path> runs the spec files under that path, with no variable to set", async () => {
  const expected = fs
    .readdirSync(path.join(PROJECT_DIR, "test", "cli", "shared"))
    .filter((f) => f.endsWith(".spec.ts"))
    .map((f) => path.join("test", "cli", "shared", f))
    .sort();
  expect(expected.length).toBeGreaterThan(2);
  expect(await listTests(["test/cli/shared"])).toEqual(expected);
  // A flag's value is not taken for a path.
  const doctor = fs
    .readdirSync(path.join(PROJECT_DIR, "test", "cli", "doctor"))
    .filter((f) => f.endsWith(".spec.ts"))
    .map((f) => path.join("test", "cli", "doctor", f))
    .sort();
  expect(await listTests(["-t", "test/cli/shared", "test/cli/doctor"])).toEqual(doctor);
});

test("npx jest runs the suite files of test/suites, which run every spec once", async () => {
  const suites = fs
    .readdirSync(path.join(PROJECT_DIR, "test", "suites"))
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => path.join("test", "suites", f))
    .sort();
  expect(await listTests([])).toEqual(suites);
  expect(suites.map((s) => path.basename(s, ".test.ts"))).toEqual(["first", "second", "third"]);
  const all = (["first", "second", "third"] as const).flatMap((s) => specsOf(s));
  expect(new Set(all).size).toBe(all.length);
  expect(all).toContain("test/repo/jest.spec.ts");
});
