/**
 * Fixture staging: a test copies a fixture project to a temp folder whose `node_modules` links to
 * the project's, so the SDK, ts-node and typescript resolve as in an installed project.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** A copy of a fixture folder in a temp dir, with `node_modules` linked to the project's. */
export interface StagedDir {
  dir: string;
  /** Removes the copy (the link only, never the linked node_modules). */
  cleanup(): void;
}

/**
 * Copies `srcDir` to a fresh temp folder and links `node_modules` there to `nodeModulesDir`
 * (default: the one this process loads the SDK from), so that the SDK, ts-node and typescript resolve exactly as in an
 * installed project without installing anything.
 */
export function stageDir(srcDir: string, nodeModulesDir?: string): StagedDir {
  // The node_modules folder that holds the SDK this process uses (`<modules>/@pulumi/pulumi`).
  const modules =
    nodeModulesDir ??
    path.dirname(path.dirname(path.dirname(require.resolve("@pulumi/pulumi/package.json"))));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-harness-"));
  fs.cpSync(srcDir, dir, { recursive: true });
  fs.symlinkSync(modules, path.join(dir, "node_modules"), "dir");
  return {
    dir,
    cleanup: () => {
      // rmSync does not follow the node_modules symlink: it removes the link itself.
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
