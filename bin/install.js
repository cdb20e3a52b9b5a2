// Whether the project's dependencies are installed, checked before anything is loaded.
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");

/**
 * The first runtime dependency of package.json that is not installed, or undefined. Reads the
 * folders `npm ci` creates (it hoists every dependency to the root node_modules), so it loads nothing.
 */
function missingDependency(root = ROOT) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  return Object.keys(pkg.dependencies ?? {}).find(
    (name) => !fs.existsSync(path.join(root, "node_modules", name, "package.json")),
  );
}

module.exports = { missingDependency };
