import { lintManifests, lintText } from "../../policy/manifests";
import { CliContext, output } from "../shared/context";

/**
 * `lint-manifests <dir>`: the application's deploy manifests against the catalog and the guide
 * (the linters live beside the policy rules, in `policy/manifests/`). Prints the findings, as text or
 * JSON, and fails on any.
 */
export async function showManifestLint(
  ctx: CliContext,
  dir: string,
  opts: { json?: boolean },
): Promise<void> {
  const result = lintManifests(dir);
  output(ctx)(opts.json ? JSON.stringify(result, null, 2) : lintText(result));
  if (result.findings.length > 0) {
    throw new Error(
      `${result.findings.length} finding(s) in the deploy manifests of ${dir} (see above).`,
    );
  }
}
