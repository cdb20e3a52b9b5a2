// The line scan every manifest gets: credential-shaped literals in any file and any place (made up
// at test time, never committed: the scan would rightly refuse them), and references that are not values.
import { randomBytes } from "node:crypto";
import { lintManifest } from "../../../policy/manifests";

const token = (n = 24) => randomBytes(n).toString("hex");

describe("credential-shaped literals, in any file and any place, comments included", () => {
  const cases: [string, string, string][] = [
    [
      "render.yaml",
      `services:\n  - type: web\n    name: api\n    envVars:\n      - key: UPSTREAM_URL\n        value: https://app:${token()}@upstream.internal/v1\n`,
      "a URL with a password in it",
    ],
    [
      "fly.toml",
      `app = "x"\n# old key: sk-${token(16)}\n[env]\n  HTTP_TIMEOUT_MS = "1"\n`,
      "an OpenAI-style API key",
    ],
    [
      "railway.toml",
      `[deploy]\nstartCommand = "npm start"\n# AKIA${randomBytes(8).toString("hex").toUpperCase()}\n`,
      "an AWS access key ID",
    ],
    [
      "cloudbuild.yaml",
      // The header is assembled at run time so no private-key marker is committed.
      `steps:\n  - name: node:20\n    args: ["-c", "echo"]\n    env: ["PRIVATE=${["-----BEGIN RSA", "PRIVATE KEY-----"].join(" ")}"]\n`,
      "a private key",
    ],
  ];
  test.each(cases)("%s", (file, text, what) => {
    const found = lintManifest(file, text).filter((f) => f.rule === "secret-literal");
    expect(found).toHaveLength(1);
    expect(found[0].message).toBe(
      `holds what looks like ${what}. No secret value belongs in a committed file (guide, baseline rule 1).`,
    );
    expect(JSON.stringify(found)).not.toMatch(/[0-9a-f]{32}/);
  });
  test("a reference is not a value: `$VAR`, `${VAR}` and `$$VAR` pass", () => {
    const text = `[deploy]\nstartCommand = "JWT_SECRET=$JWT_SECRET DATABASE_URL=\${DATABASE_URL} npm start"\n`;
    expect(lintManifest("railway.toml", text)).toEqual([]);
    const cb = `steps:\n  - name: node:20\n    args: ["-c", "OPENAI_API_KEY=$$OPENAI_API_KEY npm test"]\n`;
    expect(lintManifest("cloudbuild.yaml", cb)).toEqual([]);
  });
});
