#!/usr/bin/env node
// `npm run scan`: secretlint (the recommended preset, .secretlintrc.json) over every file of the
// repository, or over the files given. secretlint colours its report even into a pipe or a CI log;
// this passes --no-color unless standard output is a terminal without NO_COLOR.
const { spawnSync } = require("child_process");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const colour =
  process.stdout.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== "dumb";
const files = process.argv.slice(2);
const r = spawnSync(
  process.execPath,
  [
    path.join(ROOT, "node_modules", "secretlint", "bin", "secretlint.js"),
    "--maskSecrets",
    ...(colour ? [] : ["--no-color"]),
    ...(files.length > 0 ? files : ["**/*"]),
  ],
  { cwd: ROOT, stdio: "inherit" },
);
process.exit(r.status ?? 1);
