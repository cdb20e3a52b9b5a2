/**
 * Env-style files, whatever their name (`.env`, `.env.*`, `*.env`, anything in an `env/` folder):
 * `NAME=value` lines as dotenv reads them (`export`, quotes and comments allowed). The guide: never
 * commit an env file with real values. So:
 *  - a catalog secret with a value (`env-file-secret-value`); a blank, a reference (`${VAR}`) or a
 *    local service URL without credentials (`postgresql://localhost:5432/dev`) is not a value;
 *  - any value shaped like a credential (`secret-literal`), whatever the variable;
 *  - a variable named like a secret with a literal value (`secret-looking-value`);
 *  - a public-prefixed variable (`EXPO_PUBLIC_`, `NEXT_PUBLIC_`, ...) that names a secret
 *    (`public-prefixed-secret`): such variables are bundled into the app.
 */
import { credentialShape, isLoopbackUrl } from "../../model/credentialShape";
import {
  CatalogView,
  Finding,
  isSetting,
  isReference,
  publicSecret,
  SECRET_LOOKING,
} from "./common";

/** Each `NAME=value` line of an env file, value unquoted. */
export function envEntries(text: string): { line: number; name: string; value: string }[] {
  const out: { line: number; name: string; value: string }[] = [];
  text.split("\n").forEach((raw, i) => {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*?)\s*$/.exec(raw);
    if (!m) return;
    let value = m[2];
    const q = /^(["'`])(.*)\1$/.exec(value);
    if (q) value = q[2];
    else value = value.replace(/\s+#.*$/, "");
    out.push({ line: i + 1, name: m[1], value });
  });
  return out;
}

export function lintEnvFile(file: string, text: string, cat: CatalogView): Finding[] {
  const out: Finding[] = [];
  for (const { line, name, value } of envEntries(text)) {
    const add = (rule: string, message: string, fix: string) =>
      out.push({ file, line, variable: name, rule, message, fix });
    const exposed = publicSecret(name, cat);
    if (exposed) {
      add(
        "public-prefixed-secret",
        `${name} exposes ${exposed} to the client bundle: the ${name.replace(exposed, "")} prefix compiles it into the app, which anyone can read.`,
        `never give a secret a public prefix; the app calls the API, which holds ${exposed}.`,
      );
      continue;
    }
    const literal = value !== "" && !isReference(value);
    if (cat.secrets.has(name)) {
      if (literal && !isLoopbackUrl(value)) {
        add(
          "env-file-secret-value",
          `commits a value of the catalog secret ${name} in an env file.`,
          `leave ${name} blank here; developers get their own value with npx pegasus-secrets env:local (gitignored), services from their secret store. Rotate the committed value.`,
        );
      }
      continue;
    }
    const shape = credentialShape(value);
    if (shape) {
      add(
        "secret-literal",
        `${name} holds what looks like ${shape}.`,
        "remove it and rotate it (it is in git history now); keep real values out of committed env files.",
      );
    } else if (literal && !isSetting(value) && SECRET_LOOKING.test(name) && !cat.plain.has(name)) {
      add(
        "secret-looking-value",
        `${name}, named like a secret, has a literal value in a committed env file.`,
        `if ${name} is a secret, add it to the catalog and leave it blank here; if not, rename it.`,
      );
    }
  }
  return out;
}
