// Loads the project's TypeScript for the CLI, its recorder and the scripts (type-checking is
// `npm run build`). swc transpiles each file with the options Jest's transformer uses
// (jest.config.js), so the CLI runs the code exactly as the tests do, and the JavaScript is kept in
// a cache addressed by what produced it: the file's content and name, swc's version and these
// options. A run after an edit transpiles the edited file again (its content has a new address), so
// an old transpile can never run in place of the code on disk; every other file is read back from
// the cache without loading swc at all. Nothing has to be built first: a fresh clone fills the cache
// on its first run. Without swc, ts-node transpiles (with TypeScript, slower).
//
// Node's source-map support stays off: turned on, it reads the map of every module loaded (the SDK
// ships one per file), about 150 ms of a plan on two cores. The cached code carries its inline map, so
// `NODE_OPTIONS=--enable-source-maps` points a crash at the TypeScript line.
//
// The cache is the user's (`$XDG_CACHE_HOME`, else `~/.cache`, then `pegasus-secrets/transpiled`),
// outside the repository, so no scanner or linter of the tree ever reads it, and shared by every
// clone and checkout of the project (an entry is only ever the transpile of the content it is
// named by); `PEGASUS_TRANSPILE_CACHE` puts it elsewhere. A cache that cannot be written only
// costs the transpile.
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const os = require("os");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const CACHE_DIR =
  process.env.PEGASUS_TRANSPILE_CACHE ||
  path.join(
    process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"),
    "pegasus-secrets",
    "transpiled",
  );

/** swc's options; the file name is given as its base name, so a map resolves beside the module. */
const swcOptions = (filename) => ({
  filename: path.basename(filename),
  sourceMaps: "inline",
  jsc: { parser: { syntax: "typescript" }, target: "es2020" },
  module: { type: "commonjs" },
});

/** swc's version, from its package.json, or undefined when swc is not installed. */
function swcVersion() {
  try {
    return JSON.parse(
      fs.readFileSync(require.resolve("@swc/core/package.json", { paths: [ROOT] }), "utf8"),
    ).version;
  } catch {
    return undefined;
  }
}

const version = swcVersion();

if (version) {
  /** Everything besides the source that decides the output: a new swc or new options miss the cache. */
  const salt = JSON.stringify({ loader: 1, swc: version, options: swcOptions("") });
  let swc;
  let cacheUsable = true;
  const transpile = (source, filename) => {
    swc ??= require("@swc/core");
    return swc.transformSync(source, swcOptions(filename)).code;
  };
  const cached = (source, filename) => {
    const key = crypto
      .createHash("sha256")
      .update(salt)
      .update("\0")
      .update(path.basename(filename))
      .update("\0")
      .update(source)
      .digest("hex");
    const file = path.join(CACHE_DIR, key.slice(0, 2), key.slice(2));
    try {
      return fs.readFileSync(file, "utf8");
    } catch {
      // Not cached yet: transpile, then store it.
    }
    const code = transpile(source, filename);
    if (cacheUsable) {
      try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        // Written whole, then renamed into place: a process that reads it concurrently (the access
        // diff records revisions in parallel) sees the complete file or none.
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, code);
        fs.renameSync(tmp, file);
      } catch {
        cacheUsable = false;
      }
    }
    return code;
  };
  Module._extensions[".ts"] = function loadTypeScript(module, filename) {
    module._compile(cached(fs.readFileSync(filename, "utf8"), filename), filename);
  };
} else {
  require("ts-node").register({
    transpileOnly: true,
    project: path.join(ROOT, "tsconfig.json"),
    compilerOptions: { module: "commonjs", moduleResolution: "node" },
  });
}

// The SDK's start-up loads for serializing functions, which the CLI never does, wait for first use.
require("./deferSdk");
