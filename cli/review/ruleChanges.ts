/**
 * Which files of a change are the rules that judge changes: the policy pack and the ownership
 * matrix, the plan engine and the gate's recorder, the review commands, the workflows and scripts
 * that run them, CODEOWNERS, and the dependencies the gate runs with. A change to any of them
 * "changes the rules": the PR comment says so, CODEOWNERS asks an owner to review it, and it takes
 * effect once merged (the base judges the pull request that makes it; docs/review.md).
 *
 * Compared file by file between two trees, so it needs no git and reads nothing it runs.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** The rule paths (a folder ends with `/`), relative to the project folder. .github/CODEOWNERS lists each. */
export const RULE_PATHS = [
  "policy/",
  "cli/plan/",
  "cli/review/",
  "cli/commands/accessDiff.ts",
  "cli/commands/lintManifests.ts",
  "cli/commands/plan.ts",
  "cli/commands/policyCheck.ts",
  "model/credentialShape.ts",
  "bin/",
  ".github/",
  "package.json",
  "package-lock.json",
] as const;

function filesUnder(root: string, rel: string): string[] {
  const abs = path.join(root, rel);
  if (!fs.existsSync(abs)) return [];
  if (!fs.statSync(abs).isDirectory()) return [rel.replace(/\/$/, "")];
  return fs
    .readdirSync(abs, { withFileTypes: true })
    .filter((e) => e.name !== "node_modules")
    .flatMap((e) => (e.isDirectory() ? filesUnder(root, `${rel}${e.name}/`) : [`${rel}${e.name}`]));
}

const digest = (file: string): string | null =>
  fs.existsSync(file) ? createHash("sha256").update(fs.readFileSync(file)).digest("hex") : null;

/** The rule files that differ between two project trees (added, removed or changed), sorted. */
export function ruleChanges(baseDir: string, headDir: string): string[] {
  const changed = new Set<string>();
  for (const rule of RULE_PATHS) {
    const files = new Set([...filesUnder(baseDir, rule), ...filesUnder(headDir, rule)]);
    for (const f of files) {
      if (digest(path.join(baseDir, f)) !== digest(path.join(headDir, f))) changed.add(f);
    }
  }
  return [...changed].sort();
}
