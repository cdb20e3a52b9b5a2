// render.yaml: secrets named only, never valued or generated, never on a static site, only where
// the ownership matrix grants them.
import { lintManifest } from "../../../policy/manifests";
import { rows } from "./examples";

test("the bad example: a value, a generated secret, a secret-looking value, the wrong group, a secret not granted, an unsynced secret", () => {
  expect(rows("render.yaml")).toEqual([
    [8, "OPENAI_API_KEY", "render-secret-value"],
    [10, "JWT_SECRET", "render-generated-secret"],
    [12, "SESSION_SIGNING_TOKEN", "secret-looking-value"],
    [20, "pegasus-production-api", "render-wrong-group"],
    [21, "SIGNED_URL_KEY", "render-secret-not-granted"],
    [23, "REDIS_URL", "render-secret-unsynced"],
  ]);
  expect(rows("render.yaml", "good")).toEqual([]);
});

test("a secret on a static site is public, even when synced", () => {
  const text = `services:\n  - type: web\n    runtime: static\n    name: site\n    envVars:\n      - key: OPENAI_API_KEY\n        sync: false\n`;
  expect(lintManifest("render.yaml", text).map((f) => [f.line, f.variable, f.rule])).toEqual([
    [6, "OPENAI_API_KEY", "render-secret-public"],
  ]);
});

test("a broken render.yaml is a finding, not a crash", () => {
  expect(
    lintManifest("render.yaml", "services:\n  - type: web\n   name: [\n").map((f) => f.rule),
  ).toEqual(["invalid-manifest"]);
});
