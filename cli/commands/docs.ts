import { Command } from "commander";
import { MATRIX_FILE, writeOwnershipMatrix } from "../local/ownershipMatrix";
import { CliContext } from "../shared/context";

/** `docs`: writes the ownership matrix generated from the catalog; `--check` only compares. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("docs")
    .description(`Write ${MATRIX_FILE} from the catalog (--check: exit 1 if it is stale instead).`)
    .option("--check", "do not write; fail when the committed file differs from the catalog")
    .action((opts: { check?: boolean }) => writeOwnershipMatrix(ctx, opts));
}
