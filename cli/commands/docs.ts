import { Command } from "commander";
import { MATRIX_FILE } from "../local/matrixFile";
import { CliContext } from "../shared/context";

/** The feature behind the command, loaded only when the command runs. */
function ownershipMatrixModule(): typeof import("../local/ownershipMatrix") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: `--help` and the other commands never load it
  return require("../local/ownershipMatrix");
}

/** `docs`: writes the ownership matrix generated from the catalog; `--check` only compares. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("docs")
    .description(`Write ${MATRIX_FILE} from the catalog (--check: exit 1 if it is stale instead).`)
    .option("--check", "do not write; fail when the committed file differs from the catalog")
    .action((opts: { check?: boolean }) => ownershipMatrixModule().writeOwnershipMatrix(ctx, opts));
}
