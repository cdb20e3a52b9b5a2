// Jest transpiles with swc and never type-checks: `npm run build` (tsc -b tsconfig.check.json) does that once.
const yargs = require("yargs");
const { yargsOptions } = require("jest-cli");

/**
 * The test paths given on Jest's command line (`npx jest test/cli/runbook`), parsed with Jest's own
 * options so a flag's value is never taken for a path.
 */
const pathsGiven = () =>
  yargs(process.argv.slice(2))
    .options(yargsOptions)
    .help(false)
    .version(false)
    .parseSync()
    ._.map(String);

/**
 * `npm test` (no path) runs every spec through the three suite files of test/suites (specs.ts says
 * why). Given a path (`npx jest test/cli/runbook`), or with PEGASUS_SPEC=1, Jest runs the spec files
 * themselves, one by one.
 */
const specs = process.env.PEGASUS_SPEC === "1" || pathsGiven().length > 0;

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test", "<rootDir>/packages"],
  testMatch: specs ? ["**/*.spec.ts"] : ["<rootDir>/test/suites/*.test.ts"],
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      { jsc: { parser: { syntax: "typescript" }, target: "es2020" }, module: { type: "commonjs" } },
    ],
  },
  testTimeout: 20000,
  // One worker per suite file (test/suites/specs.ts); Jest would default to one on two cores.
  maxWorkers: 3,
};
