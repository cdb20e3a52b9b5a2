import * as fs from "fs";
import { UsageError } from "../shared/stacks";

/** A folder argument that is not a folder is a usage error (exit 2), not a failed check. */
export function requireFolder(dir: string, what: string): void {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new UsageError(`${dir} is not a folder. Pass ${what}.`);
  }
}
