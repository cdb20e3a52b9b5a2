// Jest transpiles with swc and never type-checks: `npm run build` (tsc --noEmit) does that once.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test", "<rootDir>/packages"],
  // Two suite files run every spec (test/suites/specs.ts says why); PEGASUS_SPEC=1 runs specs one by one.
  testMatch: process.env.PEGASUS_SPEC ? ["**/*.spec.ts"] : ["<rootDir>/test/suites/*.test.ts"],
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      { jsc: { parser: { syntax: "typescript" }, target: "es2020" }, module: { type: "commonjs" } },
    ],
  },
  testTimeout: 20000,
  // One worker per suite (test/suites/specs.ts); Jest would default to one on two cores.
  maxWorkers: 3,
};
