// The deploy-manifest lint of a folder (examples/manifests/{good,bad}): which files it checks, the
// order of its findings and their text. Each format's findings are in that format's spec.
import * as path from "node:path";
import { lintManifest, lintManifests, lintText } from "../../../policy/manifests";

const EXAMPLES = path.resolve(__dirname, "..", "..", "..", "examples", "manifests");

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

test("the bad examples: findings in file order, by line, each line naming file, line, variable, rule and fix", () => {
  const r = lintManifests(path.join(EXAMPLES, "bad"));
  // Each format's spec checks its file's findings; here: every file reported, in order, sorted by line.
  const files = r.findings.map((f) => f.file);
  expect([...new Set(files)]).toEqual(r.checked);
  expect(files.map((f) => r.checked.indexOf(f))).toEqual(
    [...files.map((f) => r.checked.indexOf(f))].sort((a, b) => a - b),
  );
  for (const f of r.checked) {
    const lines = r.findings.filter((x) => x.file === f).map((x) => x.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  }
  expect(r.findings).toHaveLength(19);
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

test("refuses a path that is not a folder, and a folder with none of the manifests", () => {
  expect(() => lintManifests(path.join(EXAMPLES, "good", "fly.toml"))).toThrow(
    `${path.join(EXAMPLES, "good", "fly.toml")} is not a folder. Pass the folder that holds the application's deploy manifests.`,
  );
  expect(() => lintManifests(EXAMPLES)).toThrow(
    `No deploy manifest in ${EXAMPLES}: looked for render.yaml, railway.toml, railway.worker.toml, fly.toml, cloudbuild.yaml.`,
  );
});

test("a line and variable a format's rule reports is not reported again by the line scan", () => {
  // `JWT_SECRET="x"` in [variables] is both a Railway variable and, to the line scan, an assignment.
  const text = '[variables]\nJWT_SECRET="x"\n';
  expect(lintManifest("render.yaml", text).map((f) => f.rule)).toContain("secret-assignment");
  const found = lintManifest("railway.toml", text);
  expect(found.map((f) => [f.line, f.variable, f.rule])).toEqual([
    [2, "JWT_SECRET", "railway-variables"],
  ]);
});
