#!/usr/bin/env node
// The project's CLI, `npx pegasus-secrets <command>`.
require("./register");
require("../cli/main.ts")
  .main(process.argv)
  .then((code) => {
    // Exit once standard output has drained: a plan piped to another program is larger than a
    // pipe's buffer, and exiting at once would cut it off.
    process.stdout.write("", () => process.exit(code));
  });
