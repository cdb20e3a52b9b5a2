/**
 * `railway.toml` and `railway.worker.toml` (Railway configuration-as-code): variables live in the
 * Railway service settings, where pegasus-secrets delivers them, never in the file; and no catalog
 * secret is named anywhere in it.
 */
import { CatalogView, Finding } from "./common";
import { secretKeyFinding, TomlFile } from "./toml";

/** Tables that would carry variables. */
const VARIABLE_TABLES = new Set([
  "variables",
  "env",
  "envs",
  "environment",
  "environmentVariables",
]);

export function lintRailway(t: TomlFile, cat: CatalogView): Finding[] {
  const out: Finding[] = [];
  const add = (p: string[], variable: string, rule: string, message: string, fix: string) =>
    out.push({ file: t.file, line: t.line(p), variable, rule, message, fix });

  for (const { path: p, value } of t.entries) {
    const key = p[p.length - 1];
    const parent = p[p.length - 2];
    if (VARIABLE_TABLES.has(key) && value && typeof value === "object") {
      // An empty table still says where variables are meant to go: report it; otherwise each variable.
      if (Object.keys(value).length === 0) {
        add(
          p,
          key,
          "railway-variables",
          `declares a variables table [${p.join(".")}]; Railway configuration-as-code must not carry variables.`,
          "remove the table; set variables in the Railway service settings.",
        );
      }
      continue;
    }
    if (p.slice(0, -1).some((x) => VARIABLE_TABLES.has(x))) {
      if (VARIABLE_TABLES.has(parent)) {
        add(
          p,
          key,
          "railway-variables",
          `defines ${key} in [${p.slice(0, -1).join(".")}]${cat.secrets.has(key) ? `, and ${key} is a catalog secret` : ""}; Railway configuration-as-code must not carry variables.`,
          `remove it here and set ${key} in the Railway service settings${cat.secrets.has(key) ? " (pegasus-secrets delivers it there)" : ""}.`,
        );
      }
      continue;
    }
    if (cat.secrets.has(key)) out.push(secretKeyFinding(t, p, key));
  }
  return out;
}
