// cloudbuild.yaml: CI's secrets from Secret Manager only, only those granted to CI, CI's own values.
import * as fs from "node:fs";
import * as path from "node:path";
import { lintManifest } from "../../../policy/manifests";

const EXAMPLES = path.resolve(__dirname, "..", "..", "..", "examples", "manifests");
const rows = (file: string, dir = "bad") =>
  lintManifest(file, fs.readFileSync(path.join(EXAMPLES, dir, file), "utf8")).map((f) => [
    f.line,
    f.variable,
    f.rule,
  ]);

test("the bad example: a secret in env, an undeclared secretEnv, no service account, the wrong secret, one not granted to CI, inline KMS", () => {
  expect(rows("cloudbuild.yaml")).toEqual([
    [8, "JWT_SECRET", "cloudbuild-env-literal"],
    [9, "STRIPE_KEY", "cloudbuild-undeclared-secret"],
    [10, "serviceAccount", "cloudbuild-no-service-account"],
    [13, "OPENAI_API_KEY", "cloudbuild-wrong-secret"],
    [15, "SIGNED_URL_KEY", "cloudbuild-not-granted-to-ci"],
    [16, "availableSecrets.inline", "cloudbuild-not-secret-manager"],
  ]);
  expect(rows("cloudbuild.yaml", "good")).toEqual([]);
});
