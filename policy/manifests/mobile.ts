/**
 * Mobile app config (Expo / React Native): `app.json`, `app.config.json` and `eas.json` as data,
 * `app.config.{js,ts,mjs,cjs}` as text. Everything in them ends up in the app bundle (Expo's
 * `extra`, EAS build env), which anyone can unpack: the guide forbids secrets in mobile bundles.
 *  - a catalog secret named anywhere, as a key or read from the environment (`mobile-secret`);
 *  - a public-prefixed variable that names a secret (`public-prefixed-secret`);
 *  - an env-style key named like a secret with a literal value; any value shaped like a credential.
 */
import { isMap, isPair, isSeq } from "yaml";
import { credentialShape } from "../../model/credentialShape";
import { CatalogView, Finding, publicSecret, SECRET_LOOKING } from "./common";
import { str, YamlFile } from "./yaml";

const FIX_MOBILE =
  "remove it: the app never holds a secret; it calls the API, which does (the ownership matrix's Mobile column is ❌ for every secret).";

/** `app.json`, `app.config.json`, `eas.json`: every key and string value of the document. */
export function lintMobileJson(y: YamlFile, cat: CatalogView): Finding[] {
  const out: Finding[] = [];
  const add = (n: unknown, variable: string, rule: string, message: string, fix: string) =>
    out.push({ file: y.file, line: y.line(n), variable, rule, message, fix });
  const visit = (n: unknown, where: string, depth: number) => {
    if (depth > 24) return;
    if (isSeq(n)) n.items.forEach((x, i) => visit(x, `${where}[${i}]`, depth + 1));
    if (!isMap(n)) return;
    for (const p of n.items) {
      if (!isPair(p)) continue;
      const key = str(p.key) ?? "";
      const value = str(p.value);
      const at = where ? `${where}.${key}` : key;
      const exposed = publicSecret(key, cat);
      if (cat.secrets.has(key)) {
        add(
          p.key,
          key,
          "mobile-secret",
          `${at} puts the catalog secret ${key} in the app bundle.`,
          FIX_MOBILE,
        );
      } else if (exposed) {
        add(
          p.key,
          key,
          "public-prefixed-secret",
          `${at} exposes ${exposed} under a public prefix, compiled into the app.`,
          FIX_MOBILE,
        );
      } else if (value !== undefined && credentialShape(value)) {
        add(
          p.key,
          key,
          "secret-literal",
          `${at} holds what looks like ${credentialShape(value)}, in the app bundle.`,
          `${FIX_MOBILE} Rotate it.`,
        );
      } else if (
        value &&
        /^[A-Z][A-Z0-9_]*$/.test(key) &&
        SECRET_LOOKING.test(key) &&
        !cat.plain.has(key) &&
        !value.startsWith("$")
      ) {
        add(
          p.key,
          key,
          "secret-looking-value",
          `${at}, named like a secret, has a literal value in the app bundle.`,
          FIX_MOBILE,
        );
      }
      visit(p.value, at, depth + 1);
    }
  };
  visit(y.doc.contents, "", 0);
  return out;
}

/** `app.config.{js,ts,mjs,cjs}`: a catalog secret or a public-prefixed secret named on any line. */
export function lintMobileScript(file: string, text: string, cat: CatalogView): Finding[] {
  const out: Finding[] = [];
  text.split("\n").forEach((line, i) => {
    for (const m of line.matchAll(/\b[A-Z][A-Z0-9_]{2,}\b/g)) {
      const name = m[0];
      const exposed = publicSecret(name, cat);
      if (!cat.secrets.has(name) && !exposed) continue;
      out.push({
        file,
        line: i + 1,
        variable: name,
        rule: exposed ? "public-prefixed-secret" : "mobile-secret",
        message: exposed
          ? `names ${name}, which exposes ${exposed} under a public prefix compiled into the app.`
          : `names the catalog secret ${name} in the app config, which the bundle carries.`,
        fix: FIX_MOBILE,
      });
    }
  });
  return out;
}
