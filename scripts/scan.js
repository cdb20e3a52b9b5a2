#!/usr/bin/env node
// `npm run scan`: secretlint (the recommended preset, .secretlintrc.json) over every file of the
// repository, or over the files given. secretlint colours its report even into a pipe or a CI log;
// this passes --no-color unless standard output is a terminal without NO_COLOR.
//
// secretlint 12 times every rule on every file with `performance.mark`, whether or not `--profile`
// asks for it, and its observer looks each mark up in a list of all the marks before it: the scan's
// cost grows with the square of the file count (3.5–5.7 s for this repository, 0.9 s without the
// marks; secretlint/secretlint#1633). secretlint 13 fixed it but needs Node 22, so the scan's process
// turns `performance.mark` into a no-op before secretlint loads. The scan never passes --profile,
// the only reader of those marks.
const { spawnSync } = require("child_process");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const colour =
  process.stdout.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== "dumb";
const files = process.argv.slice(2);
const r = spawnSync(
  process.execPath,
  [
    "--import",
    'data:text/javascript,import{performance}from"node:perf_hooks";performance.mark=()=>undefined;',
    path.join(ROOT, "node_modules", "secretlint", "bin", "secretlint.js"),
    "--maskSecrets",
    ...(colour ? [] : ["--no-color"]),
    ...(files.length > 0 ? files : ["**/*"]),
  ],
  { cwd: ROOT, stdio: "inherit" },
);
process.exit(r.status ?? 1);
