/**
 * Pulumi stack files (`Pulumi.<stack>.yaml`): a catalog secret never sits in the `plain` map, whose
 * values the program publishes as ordinary variables. Keeper maps (`rotations`, `previousKeepers`)
 * name variables without values, so the line scan's assignment rule does not read these files;
 * external values are refused in plaintext by the program and traced by the gate's recorder.
 */
import { isMap, isPair } from "yaml";
import { CatalogView, Finding } from "./common";
import { get, str, YamlFile } from "./yaml";

export function lintStackFile(y: YamlFile, cat: CatalogView): Finding[] {
  const out: Finding[] = [];
  const config = get(y.doc.contents, "config")?.value;
  if (!isMap(config)) return out;
  for (const p of config.items) {
    if (!isPair(p) || !/(^|:)plain$/.test(str(p.key) ?? "")) continue;
    if (!isMap(p.value)) continue;
    for (const v of p.value.items) {
      const name = isPair(v) ? str(v.key) : undefined;
      if (!name || !cat.secrets.has(name)) continue;
      out.push({
        file: y.file,
        line: y.line(isPair(v) ? v.key : p.key),
        variable: name,
        rule: "stack-file-plain-secret",
        message: `sets the catalog secret ${name} in \`plain\`, which every consumer receives as an ordinary variable.`,
        fix: `remove it from \`plain\`; set an external value with \`pulumi config set --secret\`.`,
      });
    }
  }
  return out;
}
