// Transpiles the project's TypeScript on load for the CLI and the scripts (type-checking is `npm run build`).
const path = require("path");
require("ts-node").register({
  transpileOnly: true,
  project: path.join(__dirname, "..", "tsconfig.json"),
  compilerOptions: { module: "commonjs", moduleResolution: "node" },
});
