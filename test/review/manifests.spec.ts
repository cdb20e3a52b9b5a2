// The deploy-manifest lint on the example manifests in examples/manifests/{good,bad}, plus
// credential-shaped literals made up at test time (never committed: the scan would rightly refuse them).
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../cli/main";
import { lintManifest, lintManifests, lintText } from "../../cli/manifests";

const EXAMPLES = path.resolve(__dirname, "..", "..", "examples", "manifests");
const token = (n = 24) => randomBytes(n).toString("hex");

test("the good examples have no finding", () => {
  const r = lintManifests(path.join(EXAMPLES, "good"));
  expect(r.checked).toEqual([
    "render.yaml",
    "railway.toml",
    "railway.worker.toml",
    "fly.toml",
    "cloudbuild.yaml",
  ]);
  expect(r.findings).toEqual([]);
});

test("the bad examples: every finding named by file, line, variable and rule", () => {
  const r = lintManifests(path.join(EXAMPLES, "bad"));
  expect(r.findings.map((f) => [f.file, f.line, f.variable, f.rule])).toEqual([
    ["render.yaml", 8, "OPENAI_API_KEY", "render-secret-value"],
    ["render.yaml", 10, "JWT_SECRET", "render-generated-secret"],
    ["render.yaml", 12, "SESSION_SIGNING_TOKEN", "secret-looking-value"],
    ["render.yaml", 20, "pegasus-production-api", "render-wrong-group"],
    ["render.yaml", 21, "SIGNED_URL_KEY", "render-secret-not-granted"],
    ["render.yaml", 23, "REDIS_URL", "render-secret-unsynced"],
    ["railway.toml", 6, "JWT_SECRET", "secret-assignment"],
    ["railway.toml", 9, "REDIS_URL", "railway-variables"],
    ["railway.toml", 10, "HTTP_TIMEOUT_MS", "railway-variables"],
    ["railway.worker.toml", 6, "FEATURE_GENERATE_V2", "railway-variables"],
    ["fly.toml", 5, "OPENAI_API_KEY", "manifest-secret-key"],
    ["fly.toml", 8, "DATABASE_URL", "fly-env-secret"],
    ["fly.toml", 9, "PARTNER_API_TOKEN", "secret-looking-value"],
    ["cloudbuild.yaml", 8, "JWT_SECRET", "cloudbuild-env-literal"],
    ["cloudbuild.yaml", 9, "STRIPE_KEY", "cloudbuild-undeclared-secret"],
    ["cloudbuild.yaml", 10, "serviceAccount", "cloudbuild-no-service-account"],
    ["cloudbuild.yaml", 13, "OPENAI_API_KEY", "cloudbuild-wrong-secret"],
    ["cloudbuild.yaml", 15, "SIGNED_URL_KEY", "cloudbuild-not-granted-to-ci"],
    ["cloudbuild.yaml", 16, "availableSecrets.inline", "cloudbuild-not-secret-manager"],
  ]);
  const text = lintText(r);
  expect(text).toContain(
    "render.yaml:8: OPENAI_API_KEY [render-secret-value] service pegasus-api sets the catalog secret OPENAI_API_KEY to a literal value. Fix: remove `value:`; name it only: `- key: <NAME>` with `sync: false`, or take it from the env group pegasus-secrets manages (`- fromGroup: <group>`).",
  );
  expect(text).toContain(
    "fly.toml:8: DATABASE_URL [fly-env-secret] [env] holds the catalog secret DATABASE_URL; [env] is plain text in the image config. Fix: remove it from [env]: DATABASE_URL is a Fly secret of the app, which pegasus-secrets sets (as `fly secrets set` would).",
  );
  expect(text).toContain(
    "cloudbuild.yaml:15: SIGNED_URL_KEY [cloudbuild-not-granted-to-ci] availableSecrets gives CI SIGNED_URL_KEY, which the ownership matrix does not grant to CI (api only). Fix: remove it from cloudbuild.yaml; CI's identity has no access to it anyway.",
  );
  // Findings never repeat a value, not even a placeholder.
  expect(text).not.toContain("placeholder");
});

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
      `holds what looks like ${what}. No secret value belongs in a deploy manifest (guide, baseline rule 1).`,
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

test("a broken manifest is a finding with its line, not a crash", () => {
  expect(lintManifest("fly.toml", 'app = "x"\n[env\n').map((f) => [f.line, f.rule])).toEqual([
    [2, "invalid-manifest"],
  ]);
  expect(
    lintManifest("render.yaml", "services:\n  - type: web\n   name: [\n").map((f) => f.rule),
  ).toEqual(["invalid-manifest"]);
});

test("render: a secret on a static site is public, even when synced", () => {
  const text = `services:\n  - type: web\n    runtime: static\n    name: site\n    envVars:\n      - key: OPENAI_API_KEY\n        sync: false\n`;
  expect(lintManifest("render.yaml", text).map((f) => [f.line, f.variable, f.rule])).toEqual([
    [6, "OPENAI_API_KEY", "render-secret-public"],
  ]);
});

test("the CLI exits 1 on findings, 0 on none, and refuses a folder with no manifest", async () => {
  const out: string[] = [];
  const err: string[] = [];
  const o = jest
    .spyOn(process.stdout, "write")
    .mockImplementation((c: string | Uint8Array) => (out.push(String(c)), true));
  const e = jest
    .spyOn(process.stderr, "write")
    .mockImplementation((c: string | Uint8Array) => (err.push(String(c)), true));
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-manifests-"));
  try {
    expect(
      await main(["node", "pegasus-secrets", "lint-manifests", path.join(EXAMPLES, "good")]),
    ).toBe(0);
    expect(
      await main([
        "node",
        "pegasus-secrets",
        "lint-manifests",
        path.join(EXAMPLES, "bad"),
        "--json",
      ]),
    ).toBe(1);
    const json = JSON.parse(out[1]) as { findings: unknown[] };
    expect(json.findings).toHaveLength(19);
    expect(await main(["node", "pegasus-secrets", "lint-manifests", empty])).toBe(1);
    expect(err.join("")).toContain(
      `error: No deploy manifest in ${empty}: looked for render.yaml, railway.toml, railway.worker.toml, fly.toml, cloudbuild.yaml.`,
    );
  } finally {
    o.mockRestore();
    e.mockRestore();
    fs.rmSync(empty, { recursive: true, force: true });
  }
});
