import * as fs from "fs";
import * as path from "path";
import { CATALOG, CatalogEntry } from "../../catalog";
import { writeFileAtomic } from "../../lib/atomicWrite";
import { CliContext, output } from "../shared/context";
import { EXAMPLE_COMMAND, renderExample } from "./envFiles";
import { resolveTarget, shown } from "./target";

/** Options of `writeExample`. */
export interface WriteExampleOptions {
  projectDir: string;
  /** Default: `.env.example` in `projectDir`. */
  out?: string;
  /** Only compare: throw if the file is stale instead of writing it. */
  check?: boolean;
  catalog?: CatalogEntry[];
}

/** `env:example`: (re)generates the committed `.env.example`, or checks that it is current. */
export function writeExample(opts: WriteExampleOptions): { file: string; changed: boolean } {
  const file = resolveTarget(opts.out, opts.projectDir, ".env.example");
  const text = renderExample(opts.catalog ?? CATALOG);
  const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
  const changed = current !== text;
  if (opts.check) {
    if (changed) {
      throw new Error(
        `${file} is stale: it differs from what the catalog generates. Fix: ${EXAMPLE_COMMAND}, then commit ${path.basename(file)}.`,
      );
    }
    return { file, changed };
  }
  // A committed, public file: ordinary permissions.
  if (changed) writeFileAtomic(file, text, { mode: 0o644 });
  return { file, changed };
}

/** `env:example`: writes `.env.example` from the catalog, or with `check` fails when it is stale. */
export async function envExample(
  ctx: CliContext,
  opts: { out?: string; check?: boolean },
): Promise<void> {
  const r = writeExample({ projectDir: ctx.projectDir, out: opts.out, check: opts.check });
  const name = shown(r.file);
  output(ctx)(
    opts.check
      ? `${name} is up to date.`
      : r.changed
        ? `Wrote ${name}. Commit it.`
        : `${name} is up to date.`,
  );
}
