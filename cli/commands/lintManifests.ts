import { Command } from "commander";
import { showManifestLint } from "../review/lintManifests";
import { CliContext } from "../shared/context";

/** `lint-manifests <dir>`: the application's deploy manifests against the catalog and the guide. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("lint-manifests")
    .description(
      "Check render.yaml, railway.toml, railway.worker.toml, fly.toml and cloudbuild.yaml in <dir> against the catalog and the guide: no secret values, names only, CI secrets from Secret Manager. Exits 1 on any finding.",
    )
    .argument("<dir>", "folder with the application's deploy manifests")
    .option("--json", "print one JSON object")
    .action((dir: string, opts: { json?: boolean }) => showManifestLint(ctx, dir, opts));
}
