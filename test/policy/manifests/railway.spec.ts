// railway.toml and railway.worker.toml: no variables in the file, not even plain ones.
import { lintManifest } from "../../../policy/manifests";
import { rows } from "./examples";

test("the bad examples: a secret assigned in a start command, and variables tables", () => {
  expect(rows("railway.toml")).toEqual([
    [6, "JWT_SECRET", "secret-assignment"],
    [9, "REDIS_URL", "railway-variables"],
    [10, "HTTP_TIMEOUT_MS", "railway-variables"],
  ]);
  expect(rows("railway.worker.toml")).toEqual([[6, "FEATURE_GENERATE_V2", "railway-variables"]]);
  expect(rows("railway.toml", "good")).toEqual([]);
  expect(rows("railway.worker.toml", "good")).toEqual([]);
});

test("an empty variables table is reported too: it says where variables are meant to go", () => {
  expect(
    lintManifest("railway.toml", '[deploy]\nstartCommand = "npm start"\n\n[variables]\n').map(
      (f) => [f.line, f.variable, f.rule, f.message],
    ),
  ).toEqual([
    [
      4,
      "variables",
      "railway-variables",
      "declares a variables table [variables]; Railway configuration-as-code must not carry variables.",
    ],
  ]);
});

test("a catalog secret named anywhere else in the file is a finding", () => {
  expect(
    lintManifest("railway.toml", '[build]\nbuildArgs = { JWT_SECRET = "$JWT_SECRET" }\n').map(
      (f) => [f.line, f.variable, f.rule],
    ),
  ).toEqual([[2, "JWT_SECRET", "manifest-secret-key"]]);
});
