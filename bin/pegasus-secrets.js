#!/usr/bin/env node
// The project's CLI, `npx pegasus-secrets <command>`.
require("./register");
require("../cli/main.ts")
  .main(process.argv)
  .then((code) => process.exit(code));
