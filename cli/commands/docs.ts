import * as fs from "fs";
import * as path from "path";
import { Command } from "commander";
import { CATALOG } from "../../catalog";
import { writeFileAtomic } from "../shared/atomicWrite";
import { CliContext, print } from "../shared/context";
import { MATRIX_COMMAND, MATRIX_FILE, renderOwnershipMatrix } from "../ownershipMatrix";

/** `docs`: writes the ownership matrix generated from the catalog; `--check` only compares. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command("docs")
    .description(`Write ${MATRIX_FILE} from the catalog (--check: exit 1 if it is stale instead).`)
    .option("--check", "do not write; fail when the committed file differs from the catalog")
    .action((opts: { check?: boolean }) => {
      const file = path.join(ctx.projectDir, MATRIX_FILE);
      const want = renderOwnershipMatrix(CATALOG);
      const have = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null;
      if (opts.check) {
        if (have !== want) {
          throw new Error(
            `${MATRIX_FILE} is ${have === null ? "missing" : "stale"}: run \`${MATRIX_COMMAND}\` and commit it.`,
          );
        }
        print(`${MATRIX_FILE} matches the catalog.`);
        return;
      }
      if (have === want) {
        print(`${MATRIX_FILE} is up to date.`);
        return;
      }
      fs.mkdirSync(path.dirname(file), { recursive: true });
      writeFileAtomic(file, want);
      print(`Wrote ${MATRIX_FILE} from the catalog.`);
    });
}
