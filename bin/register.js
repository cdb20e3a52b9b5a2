// Transpiles the project's TypeScript on load for the CLI and the scripts (type-checking is `npm run build`).
// swc when its native binary is installed (about 2 s faster a run than TypeScript's transpiler), else TypeScript.
const path = require("path");
let swc = true;
try {
  require.resolve("@swc/core");
} catch {
  swc = false;
}
require("ts-node").register({
  transpileOnly: true,
  swc,
  project: path.join(__dirname, "..", "tsconfig.json"),
  compilerOptions: { module: "commonjs", moduleResolution: "node" },
});
