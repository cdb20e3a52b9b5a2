// Transpiles the project's TypeScript on load for the CLI and the scripts (type-checking is `npm run build`).
// With swc's native binary installed: swc through a require hook (pirates), with the options Jest's
// transformer uses (jest.config.js), so the CLI runs the code exactly as the tests do. ts-node
// would load the TypeScript compiler just to read tsconfig.json, a third of a second on every run,
// which a usage error should not cost. Without swc: ts-node, transpiling with TypeScript.
const path = require("path");

let swc;
try {
  swc = require("@swc/core");
} catch {
  swc = undefined;
}

if (swc) {
  // Inline source maps and Node's own support for them: a crash points at the TypeScript line.
  process.setSourceMapsEnabled(true);
  const options = (filename) => ({
    filename,
    sourceMaps: "inline",
    jsc: { parser: { syntax: "typescript" }, target: "es2020" },
    module: { type: "commonjs" },
  });
  require("pirates").addHook((code, filename) => swc.transformSync(code, options(filename)).code, {
    exts: [".ts"],
    ignoreNodeModules: true,
  });
} else {
  require("ts-node").register({
    transpileOnly: true,
    project: path.join(__dirname, "..", "tsconfig.json"),
    compilerOptions: { module: "commonjs", moduleResolution: "node" },
  });
}
