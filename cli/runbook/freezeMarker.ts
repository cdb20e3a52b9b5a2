import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { Freeze, FREEZE_PATH, parseFreeze } from "../../model";
import { writeFileAtomic } from "../../lib/atomicWrite";

/**
 * The deploy freeze marker (guide, break-glass step 1). While `operations/FREEZE` exists, `rotate`
 * and `finalize` refuse (except break-glass) and `freeze-status` exits non-zero, which CI runs
 * before `pulumi up`. The file is committed, so the freeze reaches CI with the next push.
 */
export const FREEZE_FILE = path.join(...FREEZE_PATH.split("/"));

export type { Freeze };

const freezePath = (projectDir: string) => path.join(projectDir, FREEZE_FILE);

/** The freeze in force, or null. A marker that cannot be read still freezes: it exists. */
export function readFreeze(projectDir: string): Freeze | null {
  const file = freezePath(projectDir);
  return fs.existsSync(file) ? parseFreeze(fs.readFileSync(file, "utf8")) : null;
}

/** Writes the marker unless one exists; returns the freeze in force either way. */
export function writeFreeze(projectDir: string, f: Freeze): { freeze: Freeze; created: boolean } {
  const existing = readFreeze(projectDir);
  if (existing) return { freeze: existing, created: false };
  const file = freezePath(projectDir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const body = [
    "# Deploys of pegasus-secrets are frozen (secrets-management guide, break-glass step 1).",
    "# CI (`npx pegasus-secrets freeze-status`) and `pegasus-secrets rotate` refuse while this file exists.",
    "# Lift it with: npx pegasus-secrets lift-freeze --operator <you>",
    YAML.stringify({
      since: f.since,
      operator: f.operator,
      incident: f.incident,
      reason: f.reason,
    }).trimEnd(),
    "",
  ].join("\n");
  writeFileAtomic(file, body, { exclusive: true });
  return { freeze: f, created: true };
}

export function removeFreeze(projectDir: string): void {
  fs.rmSync(freezePath(projectDir), { force: true });
}

/** One sentence about a freeze: since when, by whom, for what. */
export const describeFreeze = (f: Freeze): string =>
  `Deploys are frozen since ${f.since} by ${f.operator}${f.incident ? ` for incident ${f.incident}` : ""}${f.reason ? ` (${f.reason})` : ""} (${FREEZE_FILE}).`;
