/**
 * The scan every text file gets, whatever its kind: each line, comments included.
 *  - a known credential shape (a URL with a password, a private key, a provider's token prefix):
 *    `secret-literal`;
 *  - a literal assigned to a catalog secret's name (`NAME=value`, `NAME: value`, `"NAME": "value"`):
 *    `secret-assignment`. In data and config files (YAML, TOML, JSON, env, shell, ...) any literal;
 *    in program source (TypeScript, JavaScript, Python, Go, ...) and prose (Markdown, text) only a
 *    literal shaped like a credential, since code passes names and test fakes around and docs show
 *    keepers (`JWT_SECRET: "2026-11-29.1"`);
 *  - a public-prefixed name that exposes a secret (`EXPO_PUBLIC_<SECRET>`): `public-prefixed-secret`.
 * A reference (`$VAR`, `${VAR}`, `${{ secrets.X }}`, `process.env.X`), a placeholder (`<value>`),
 * a redaction marker (`[secret]`, `***`) and the URL of a service on the developer's own machine
 * without credentials (`postgresql://localhost:5432/dev`) are not values.
 */
import { credentialShape, CREDENTIAL_SHAPES, isLoopbackUrl } from "../../model/credentialShape";
import { CatalogView, Finding, publicSecret } from "./common";

/** How the scan reads assignments in a file. */
export type AssignmentMode = "any" | "credential-shaped" | "none";

/** Program source and prose: assignments count only when the literal looks like a credential. */
export const CODE_FILE =
  /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs|py|go|rb|java|kt|kts|swift|rs|cs|php|scala|dart|c|cc|cpp|h|md|markdown|rst|txt|adoc)$/i;

/** The key a line assigns, in YAML (`key:`), TOML (`key =`) or shell (`KEY=`) form. */
function keyOnLine(line: string): string | undefined {
  return (
    /^\s*-?\s*["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*[:=]/.exec(line)?.[1] ??
    /\b([A-Z][A-Z0-9_]*)=/.exec(line)?.[1]
  );
}

const ASSIGNMENT =
  /(?<![A-Za-z0-9_$.])(["'`]?)([A-Z][A-Z0-9_]*)\1\s*(?::=|=|:)\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`|[^\s,;#)}\]]+)/g;

/** True for what is not a value: a reference, a placeholder, a redaction marker, nothing. */
export function notAValue(v: string): boolean {
  const t = v.trim();
  return (
    t === "" ||
    /^\$/.test(t) ||
    /^%\{/.test(t) ||
    /^\{\{/.test(t) ||
    /^<[^>]*>$/.test(t) ||
    /^\[[^\]]*\]$/.test(t) ||
    /^\*+$/.test(t) ||
    /^(process\.env|os\.environ|ENV\[|secrets\.|env\.)/.test(t) ||
    isLoopbackUrl(t)
  );
}

/** Scans every line of a file. */
export function scanLines(
  file: string,
  text: string,
  cat: CatalogView,
  assignments: AssignmentMode = CODE_FILE.test(file) ? "credential-shaped" : "any",
): Finding[] {
  const out: Finding[] = [];
  text.split("\n").forEach((line, i) => {
    for (const shape of CREDENTIAL_SHAPES) {
      if (shape.re.test(line)) {
        out.push({
          file,
          line: i + 1,
          variable: keyOnLine(line) ?? "(literal)",
          rule: "secret-literal",
          message: `holds what looks like ${shape.what}. No secret value belongs in a committed file (guide, baseline rule 1).`,
          fix: "remove it, rotate it (it is in git history now: `npx pegasus-secrets rotate <VARIABLE>`), and deliver it through pegasus-secrets.",
        });
      }
    }
    for (const m of line.matchAll(
      /\b(EXPO_PUBLIC_|REACT_NATIVE_|NEXT_PUBLIC_|VITE_)[A-Z0-9_]+\b/g,
    )) {
      const exposed = publicSecret(m[0], cat);
      if (!exposed) continue;
      out.push({
        file,
        line: i + 1,
        variable: m[0],
        rule: "public-prefixed-secret",
        message: `names ${m[0]}, which exposes ${exposed} under a public prefix that client builds compile into the app.`,
        fix: `never give a secret a public prefix; the app calls the API, which holds ${exposed}.`,
      });
    }
    if (assignments === "none") return;
    for (const m of line.matchAll(ASSIGNMENT)) {
      const [, , name, raw] = m;
      if (!cat.secrets.has(name)) continue;
      const value = raw.replace(/^(["'`])([\s\S]*)\1$/, "$2");
      if (notAValue(value)) continue;
      if (assignments === "credential-shaped" && !credentialShape(value)) continue;
      out.push({
        file,
        line: i + 1,
        variable: name,
        rule: "secret-assignment",
        message: `assigns a literal value to the catalog secret ${name}.`,
        fix: `remove the assignment: ${name} reaches the service from its secret store (pegasus-secrets delivers it), never from a committed file. Rotate the committed value.`,
      });
    }
  });
  return out;
}
