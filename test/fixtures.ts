/**
 * A project of the tests' own: the real Pulumi.yaml with the fixture stack files of
 * test/fixtures/stacks (realistic values, no placeholder). Specs that need a stack plan this copy,
 * so an operator's commit to the committed stack files (a new keeper, a real ID, an encrypted
 * value) never changes what a test sees.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const REPO = path.resolve(__dirname, "..");
const STACKS = path.join(__dirname, "fixtures", "stacks");

export interface FixtureProject {
  dir: string;
  cleanup(): void;
}

/** A fresh copy in a temporary folder; `cleanup()` removes it. */
export function fixtureProject(): FixtureProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-fixture-"));
  fs.copyFileSync(path.join(REPO, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  for (const f of fs.readdirSync(STACKS)) fs.copyFileSync(path.join(STACKS, f), path.join(dir, f));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
