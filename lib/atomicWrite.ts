import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /**
   * Exact permissions of the new file (`0o600` for a local `.env`), applied before any byte is
   * written. Default: a new file's usual permissions (0666 less the umask).
   */
  mode?: number;
  /**
   * Refuse to replace an existing file (an evidence record is never overwritten): the file appears
   * complete or not at all, and an existing one fails with `EEXIST`.
   */
  exclusive?: boolean;
}

/**
 * Writes `text` to `file` so that readers see the old content or the new, never a part: a temporary
 * file beside the target (same folder, so the same file system) is written and flushed, then renamed
 * over the target (or, with `exclusive`, linked to it, which fails if the target exists). Any
 * failure removes the temporary file and leaves the target as it was. Every writer of the project
 * uses it: the CLI's env files, stack files, evidence records and generated docs, and the cache of
 * bundled providers.
 */
export function writeFileAtomic(file: string, text: string, opts: AtomicWriteOptions = {}): void {
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  try {
    const fd = fs.openSync(tmp, "wx", opts.mode ?? 0o666);
    try {
      // The umask may have narrowed the mode (or, for 0644, be irrelevant): be exact.
      if (opts.mode !== undefined) fs.fchmodSync(fd, opts.mode);
      fs.writeFileSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (opts.exclusive) {
      fs.linkSync(tmp, file);
      fs.rmSync(tmp, { force: true });
    } else {
      fs.renameSync(tmp, file);
    }
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
