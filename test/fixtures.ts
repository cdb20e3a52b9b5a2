/**
 * The tests' own stacks: the real Pulumi.yaml with the fixture stack files of test/fixtures/stacks
 * (realistic values, no placeholder). Specs that need a stack read these, so an operator's commit
 * to the committed stack files (a new keeper, a real ID, an encrypted value) never changes what a
 * test sees. The committed files are checked only for what must always hold (test/repo/).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const REPO = path.resolve(__dirname, "..");

/**
 * A project folder holding `Pulumi.yaml` (a link to the real one) and the fixture stack files, to
 * read in place: the in-process plan (`planStack`) and config (`stackRaw`) of the tests.
 */
export const FIXTURE_DIR = path.join(__dirname, "fixtures", "stacks");

/** The fixture stack files' names. */
const fixtureStacks = () => fs.readdirSync(FIXTURE_DIR).filter((f) => /^Pulumi\..+\.yaml$/.test(f));

export interface FixtureProject {
  dir: string;
  cleanup(): void;
}

/** A fresh copy of Pulumi.yaml and the fixture stacks in a temporary folder; `cleanup()` removes it. */
export function fixtureProject(): FixtureProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-fixture-"));
  fs.copyFileSync(path.join(REPO, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  for (const f of fixtureStacks()) fs.copyFileSync(path.join(FIXTURE_DIR, f), path.join(dir, f));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Which stack files a {@link projectCopy} holds. */
export type CopyStacks = "fixtures" | "committed";

/**
 * A throwaway copy of the project as this working tree holds it (every tracked or new file but the
 * tests and docs), with the working tree's node_modules linked in: its own `bin/pegasus-secrets.js`
 * runs against its own stack files, so a test can change them, or run the real CLI as a child
 * process, without touching the committed ones. Its stack files are the fixtures' unless a test
 * asks for the committed ones (what must always hold of them: test/repo/).
 */
export function projectCopy(
  prefix = "pegasus-copy-",
  stacks: CopyStacks = "fixtures",
): FixtureProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const files = execFileSync(
    "git",
    ["ls-files", "-co", "--exclude-standard", "--", ".", ":(exclude)test", ":(exclude)docs"],
    { cwd: REPO, encoding: "utf8" },
  )
    .split("\n")
    .filter((f) => f && !(stacks === "fixtures" && /^Pulumi\..+\.yaml$/.test(f)));
  for (const f of files) {
    // Regular files only: not one deleted in the working tree, nor a linked node_modules (a copy's).
    if (!fs.existsSync(path.join(REPO, f)) || !fs.lstatSync(path.join(REPO, f)).isFile()) continue;
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(REPO, f), path.join(dir, f));
  }
  if (stacks === "fixtures") {
    for (const f of fixtureStacks()) fs.copyFileSync(path.join(FIXTURE_DIR, f), path.join(dir, f));
  }
  fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"), "dir");
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
