#!/usr/bin/env node
// The project's CLI. Its TypeScript sources are transpiled on load (type-checking is `npm run build`).
const path = require("path");
require("ts-node").register({
  transpileOnly: true,
  project: path.join(__dirname, "..", "tsconfig.json"),
  compilerOptions: { module: "commonjs", moduleResolution: "node" },
});
require("../cli/main.ts")
  .main(process.argv)
  .then((code) => process.exit(code));
