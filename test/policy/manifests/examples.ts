import * as fs from "node:fs";
import * as path from "node:path";
import { lintManifest } from "../../../policy/manifests";

/** The example manifests: `good/` passes every linter, `bad/` shows each finding. */
export const EXAMPLES = path.resolve(__dirname, "..", "..", "..", "examples", "manifests");

/** The findings of one example file as `[line, variable, rule]` rows. */
export const rows = (file: string, dir = "bad") =>
  lintManifest(file, fs.readFileSync(path.join(EXAMPLES, dir, file), "utf8")).map((f) => [
    f.line,
    f.variable,
    f.rule,
  ]);
