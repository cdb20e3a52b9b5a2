/**
 * The scan every manifest gets, whatever its format: each line, comments included, for credential
 * shapes and for `NAME=value` assignments of catalog secrets. It catches what no structure rule does
 * (a secret in a comment, a start command).
 */
import { CatalogView, Finding, isReference } from "./common";

/** Shapes of credentials, whatever the key: the scan every file gets, comments included. */
export const CREDENTIAL_SHAPES: { re: RegExp; what: string }[] = [
  {
    re: /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@'"]+:(?!\$)[^\s@/'"]+@/i,
    what: "a URL with a password in it",
  },
  { re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: "a private key" },
  { re: /\bsk-(proj-)?[A-Za-z0-9_-]{20,}/, what: "an OpenAI-style API key" },
  { re: /\bAKIA[0-9A-Z]{16}\b/, what: "an AWS access key ID" },
  { re: /\bgh[pousr]_[A-Za-z0-9]{30,}/, what: "a GitHub token" },
  { re: /\bxox[baprs]-[A-Za-z0-9-]{10,}/, what: "a Slack token" },
  { re: /\brnd_[A-Za-z0-9]{20,}/, what: "a Render API key" },
  { re: /\bfm[12]r?_[A-Za-z0-9_-]{20,}/, what: "a Fly.io token" },
];

/** The key a line assigns, in YAML (`key:`), TOML (`key =`) or shell (`KEY=`) form. */
function keyOnLine(line: string): string | undefined {
  return (
    /^\s*-?\s*["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*[:=]/.exec(line)?.[1] ??
    /\b([A-Z][A-Z0-9_]*)=/.exec(line)?.[1]
  );
}

/** Scans every line of a file for credential shapes and `NAME=value` assignments of catalog secrets. */
export function scanLines(file: string, text: string, cat: CatalogView): Finding[] {
  const out: Finding[] = [];
  text.split("\n").forEach((line, i) => {
    for (const shape of CREDENTIAL_SHAPES) {
      if (shape.re.test(line)) {
        out.push({
          file,
          line: i + 1,
          variable: keyOnLine(line) ?? "(literal)",
          rule: "secret-literal",
          message: `holds what looks like ${shape.what}. No secret value belongs in a deploy manifest (guide, baseline rule 1).`,
          fix: "remove it, rotate it (it is in git history now: `npx pegasus-secrets rotate <VARIABLE>`), and deliver it through pegasus-secrets.",
        });
      }
    }
    for (const m of line.matchAll(/\b([A-Z][A-Z0-9_]*)=("[^"]*"|'[^']*'|[^\s"',\]]*)/g)) {
      const [, name, rawValue] = m;
      const value = rawValue.replace(/^["']|["']$/g, "");
      if (!cat.secrets.has(name) || value === "" || isReference(value)) continue;
      out.push({
        file,
        line: i + 1,
        variable: name,
        rule: "secret-assignment",
        message: `assigns a literal value to the catalog secret ${name}.`,
        fix: `remove the assignment: ${name} reaches the service from its secret store (pegasus-secrets delivers it), never from the manifest.`,
      });
    }
  });
  return out;
}
