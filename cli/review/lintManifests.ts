import { lintManifests, lintText } from "../../policy/manifests";
import { CliContext, output } from "../shared/context";
import { requireFolder } from "./folders";

/**
 * `lint-manifests <dir>`: every deploy manifest, Dockerfile, compose file, mobile app config, env
 * file, workflow and other text file of a repository against the ownership matrix and the guide
 * (the linters live beside the policy rules, in `policy/manifests/`). Prints the findings, as text
 * or JSON, and fails on any.
 */
export async function showManifestLint(
  ctx: CliContext,
  dir: string,
  opts: { json?: boolean; exclude?: string[] },
): Promise<void> {
  requireFolder(dir, "the repository (or folder) to lint");
  const result = lintManifests(dir, { exclude: opts.exclude });
  output(ctx)(opts.json ? JSON.stringify(result, null, 2) : lintText(result));
  if (result.findings.length > 0) {
    throw new Error(`${result.findings.length} finding(s) in ${dir} (see above).`);
  }
}
