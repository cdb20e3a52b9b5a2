import { Command } from "commander";
import { CliContext } from "../shared/context";

/** The feature behind the command, loaded only when the command runs. */
function envExampleModule(): typeof import("../local/envExample") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: `--help` and the other commands never load it
  return require("../local/envExample");
}
/** Its second module, loaded the same way. */
function envLocalModule(): typeof import("../local/envLocal") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: `--help` and the other commands never load it
  return require("../local/envLocal");
}

/** Registers `env:local` and `env:example`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("env:local")
    .description(
      "Write a local .env for running the API and worker: fresh generated secrets, local service URLs and settings, and marked blanks for values you fill in. Never production values.",
    )
    .option("--out <file>", "file or directory to write (default: .env in the project folder)")
    .option(
      "--force",
      "replace the settings and local service URLs that differ from the scope's; generated secrets and values you typed in yourself stay",
    )
    .option(
      "--regenerate",
      "give every generated secret (JWT_SECRET, SIGNED_URL_KEY) a fresh value, e.g. after one was exposed",
    )
    // Not the shared stack option: a scope of local values, where production is refused by name.
    .option(
      "-s, --stack <scope>",
      "local, or staging for the staging stack's public URLs and settings (secrets stay developer-scoped); production is refused",
      "local",
    )
    .action((opts: { out?: string; force?: boolean; regenerate?: boolean; stack: string }) =>
      envLocalModule().envLocal(ctx, opts),
    );
  program
    .command("env:example")
    .description(
      "Regenerate .env.example from the catalog (names, comments and plain defaults only).",
    )
    .option("--out <file>", "file to write (default: .env.example in the project folder)")
    .option("--check", "do not write; fail if the file differs from the catalog")
    .action((opts: { out?: string; check?: boolean }) => envExampleModule().envExample(ctx, opts));
}
