/** Where the local files go: `--out` resolved, and refused where an atomic write cannot go. */
import * as fs from "fs";
import * as path from "path";

/** A path as the reports show it: relative to the working directory when inside it. */
export const shown = (file: string): string => {
  const rel = path.relative(process.cwd(), file);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
};

/** `--out` as an absolute file path: a directory gets `defaultName` inside it. */
export function resolveTarget(
  out: string | undefined,
  projectDir: string,
  defaultName: string,
): string {
  let file = out === undefined ? path.join(projectDir, defaultName) : path.resolve(out);
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, defaultName);
  const dir = path.dirname(file);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(
      `Directory ${dir} does not exist. Fix: create it, or pass --out with an existing directory. Nothing was written.`,
    );
  }
  if (fs.existsSync(file) && fs.lstatSync(file).isSymbolicLink()) {
    throw new Error(
      `${file} is a symbolic link; env files are replaced atomically, which would not write through it. Fix: pass --out with the file it points to. Nothing was written.`,
    );
  }
  return file;
}
