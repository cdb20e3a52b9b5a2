#!/usr/bin/env node
// The project's CLI, `npx pegasus-secrets <command>`.
const { missingDependency } = require("./install");

// A clone without `npm ci` has no ts-node, SDK or commander: one line says what to run, not a
// Node stack trace (README, "Set up").
const missing = missingDependency();
if (missing) {
  process.stderr.write(
    `pegasus-secrets: its dependencies are not installed (${missing} is missing). Fix: run npm ci in ${require("path").resolve(__dirname, "..")} first.\n`,
  );
  process.exit(2);
}
require("./register");
require("../cli/main.ts")
  .main(process.argv)
  .then((code) => {
    // Exit once standard output has drained: a plan piped to another program is larger than a
    // pipe's buffer, and exiting at once would cut it off.
    process.stdout.write("", () => process.exit(code));
  });
