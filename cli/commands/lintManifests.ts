import { Command } from "commander";
import { CliContext } from "../shared/context";

/** The feature behind the command, loaded only when the command runs. */
function lintManifestsModule(): typeof import("../review/lintManifests") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: `--help` and the other commands never load it
  return require("../review/lintManifests");
}

/** `lint-manifests <dir>`: a repository's manifests and files against the matrix and the guide. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("lint-manifests")
    .description(
      "Check a repository, wherever the files are in it: render.yaml, railway*.toml, fly*.toml, cloudbuild*.yaml, Dockerfiles, compose files, mobile app config (app.json, app.config.*, eas.json), env files (.env*, *.env, env/*), GitHub workflows, stack files, and a line scan of every other text file: no secret values, names only, CI secrets from Secret Manager, tests-only secrets in test steps only. Exits 1 on any finding.",
    )
    .argument("<dir>", "the repository (or folder) to lint")
    .option("--json", "print one JSON object")
    .option(
      "--exclude <path...>",
      "paths (relative to <dir>) to leave out, e.g. examples of what the lint refuses",
    )
    .action((dir: string, opts: { json?: boolean; exclude?: string[] }) =>
      lintManifestsModule().showManifestLint(ctx, dir, opts),
    );
}
