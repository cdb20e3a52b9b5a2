// The lint of a repository (examples/manifests/{good,bad}, and this repository itself): which files
// it finds wherever they are, the order of its findings and their text. Each format's findings are
// in that format's spec.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { kindOf, lintManifest, lintManifests, lintText } from "../../../policy/manifests";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const EXAMPLES = path.join(ROOT, "examples", "manifests");

test("the good examples have no finding; every kind of file is found, in subfolders too", () => {
  const r = lintManifests(path.join(EXAMPLES, "good"));
  expect(r.checked).toEqual([
    ".github/workflows/test.yml",
    "Dockerfile",
    "cloudbuild.yaml",
    "docker-compose.yml",
    "fly.toml",
    "mobile/app.json",
    "mobile/eas.json",
    "railway.toml",
    "railway.worker.toml",
    "render.yaml",
  ]);
  expect(r.findings).toEqual([]);
});

test("the bad examples: findings by file and line, each naming file, line, variable, rule, fix and guide line", () => {
  const r = lintManifests(path.join(EXAMPLES, "bad"));
  const files = r.findings.map((f) => f.file);
  expect([...new Set(files)]).toEqual(r.checked);
  for (const f of r.checked) {
    const lines = r.findings.filter((x) => x.file === f).map((x) => x.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  }
  expect(
    r.findings.every(
      (f) =>
        f.guide && fs.readFileSync(path.join(ROOT, "docs", "guide.md"), "utf8").includes(f.guide),
    ),
  ).toBe(true);
  const text = lintText(r);
  expect(text).toContain(
    'render.yaml:8: OPENAI_API_KEY [render-secret-value] service pegasus-api sets the catalog secret OPENAI_API_KEY to a literal value. Fix: remove `value:`; name it only: `- key: <NAME>` with `sync: false`, or take it from the env group pegasus-secrets manages (`- fromGroup: <group>`). (guide: "- Do not place secret values in `render.yaml`; only reference variable names.")',
  );
  expect(text).toContain(
    "cloudbuild.yaml:20: SIGNED_URL_KEY [cloudbuild-not-granted-to-ci] availableSecrets gives CI SIGNED_URL_KEY, which the ownership matrix (policy/matrix.ts) does not grant to CI (api only).",
  );
  // Findings never repeat a value, not even a placeholder.
  expect(text).not.toContain("placeholder");
});

test("this repository passes, its examples of refused files aside", () => {
  const r = lintManifests(ROOT, { exclude: ["examples/manifests/bad"] });
  expect(r.checked).toEqual(
    expect.arrayContaining([
      ".env.example",
      ".github/workflows/pull_request.yml",
      "Pulumi.staging.yaml",
    ]),
  );
  expect(r.findings).toEqual([]);
});

test("refuses a path that is not a folder, and a folder with no manifest, env file or workflow", () => {
  expect(() => lintManifests(path.join(EXAMPLES, "good", "fly.toml"))).toThrow(
    `${path.join(EXAMPLES, "good", "fly.toml")} is not a folder. Pass the repository (or folder) to lint.`,
  );
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-lint-"));
  try {
    fs.writeFileSync(path.join(empty, "README.md"), "nothing to deploy\n");
    expect(() => lintManifests(empty)).toThrow(
      `No deploy manifest, Dockerfile, compose file, mobile app config, env file or workflow in ${empty}`,
    );
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

test.each([
  ["render.yaml", "render"],
  ["services/api/render.yaml", "render"],
  ["deploy/fly.production.toml", "fly"],
  ["railway.worker.toml", "railway"],
  ["ci/cloudbuild.deploy.yaml", "cloudbuild"],
  ["Dockerfile", "dockerfile"],
  ["docker/api.Dockerfile", "dockerfile"],
  ["Dockerfile.worker", "dockerfile"],
  ["docker-compose.override.yml", "compose"],
  ["compose.yaml", "compose"],
  ["apps/mobile/app.json", "mobile-json"],
  ["apps/mobile/app.config.ts", "mobile-script"],
  ["eas.json", "mobile-json"],
  [".env", "env"],
  [".env.production", "env"],
  ["deploy/production.env", "env"],
  ["config/env/production", "env"],
  [".github/workflows/deploy.yml", "workflow"],
  ["Pulumi.staging.yaml", "stack-file"],
  ["src/server.ts", undefined],
])("%s is a %s file", (file, kind) => {
  expect(kindOf(file)).toBe(kind);
});

test("a line and variable a format's rule reports is not reported again by the line scan", () => {
  // `JWT_SECRET="x"` in [variables] is both a Railway variable and, to the line scan, an assignment.
  const text = '[variables]\nJWT_SECRET="x"\n';
  expect(lintManifest("notes.ini", text).map((f) => f.rule)).toContain("secret-assignment");
  const found = lintManifest("railway.toml", text);
  expect(found.map((f) => [f.line, f.variable, f.rule])).toEqual([
    [2, "JWT_SECRET", "railway-variables"],
  ]);
});
