import { Command } from "commander";
import { CliContext, print } from "../shared/context";
import { lintManifests, lintText } from "../manifests";

/** `lint-manifests <dir>`: the application's deploy manifests against the catalog and the guide. */
export function register(program: Command, _ctx: CliContext): void {
  program
    .command("lint-manifests")
    .description(
      "Check render.yaml, railway.toml, railway.worker.toml, fly.toml and cloudbuild.yaml in <dir> against the catalog and the guide: no secret values, names only, CI secrets from Secret Manager. Exits 1 on any finding.",
    )
    .argument("<dir>", "folder with the application's deploy manifests")
    .option("--json", "print one JSON object")
    .action((dir: string, opts: { json?: boolean }) => {
      const result = lintManifests(dir);
      print(opts.json ? JSON.stringify(result, null, 2) : lintText(result));
      if (result.findings.length > 0) {
        throw new Error(
          `${result.findings.length} finding(s) in the deploy manifests of ${dir} (see above).`,
        );
      }
    });
}
