// fly.toml: [env] holds no secret and nothing named like one; no catalog secret anywhere else.
import { lintManifest } from "../../../policy/manifests";
import { rows } from "./examples";

test("the bad example: a secret as a build argument, a secret and a secret-looking value in [env]", () => {
  expect(rows("fly.toml")).toEqual([
    [5, "OPENAI_API_KEY", "manifest-secret-key"],
    [8, "DATABASE_URL", "fly-env-secret"],
    [9, "PARTNER_API_TOKEN", "secret-looking-value"],
  ]);
  expect(rows("fly.toml", "good")).toEqual([]);
});

test("a broken fly.toml is a finding on its line, not a crash", () => {
  expect(lintManifest("fly.toml", 'app = "x"\n[env\n').map((f) => [f.line, f.rule])).toEqual([
    [2, "invalid-manifest"],
  ]);
});

test("a variables table is Railway's rule, not Fly's; plain config and references in [env] pass", () => {
  expect(
    lintManifest(
      "fly.toml",
      '[env]\n  HTTP_TIMEOUT_MS = "30000"\n  API_TOKEN = "$API_TOKEN"\n[variables]\n  X = "1"\n',
    ),
  ).toEqual([]);
});
