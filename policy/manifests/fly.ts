/**
 * `fly.toml`: `[env]` is plain text in the image config, so it holds no secret (a Fly secret of the
 * app, which pegasus-secrets sets as `fly secrets set` would) and nothing named like one; no catalog
 * secret is named anywhere else in the file either.
 */
import { CatalogView, Finding, isReference, SECRET_LOOKING } from "./common";
import { secretKeyFinding, TomlFile } from "./toml";

export function lintFly(t: TomlFile, cat: CatalogView): Finding[] {
  const out: Finding[] = [];
  const add = (p: string[], variable: string, rule: string, message: string, fix: string) =>
    out.push({ file: t.file, line: t.line(p), variable, rule, message, fix });

  for (const { path: p, value } of t.entries) {
    const key = p[p.length - 1];
    const inEnv = p[p.length - 2] === "env" && p.length === 2;
    if (cat.secrets.has(key)) {
      if (inEnv) {
        add(
          p,
          key,
          "fly-env-secret",
          `[env] holds the catalog secret ${key}; [env] is plain text in the image config.`,
          `remove it from [env]: ${key} is a Fly secret of the app, which pegasus-secrets sets (as \`fly secrets set\` would).`,
        );
      } else {
        out.push(secretKeyFinding(t, p, key));
      }
      continue;
    }
    if (
      inEnv &&
      !cat.plain.has(key) &&
      SECRET_LOOKING.test(key) &&
      typeof value === "string" &&
      value !== "" &&
      !isReference(value)
    ) {
      add(
        p,
        key,
        "secret-looking-value",
        `[env] sets ${key}, which is named like a secret, to a literal value.`,
        `if ${key} is a secret, add it to the catalog (catalog/index.ts) and let pegasus-secrets set it as a Fly secret; if not, rename it.`,
      );
    }
  }
  return out;
}
