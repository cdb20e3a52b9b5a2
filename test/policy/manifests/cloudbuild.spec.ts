// cloudbuild.yaml: CI's secrets from Secret Manager only, only those granted to CI, CI's own values.
import { rows } from "./examples";

test("the bad example: a secret in env, an undeclared secretEnv, a tests-only key in a deploy step, no service account, the wrong secret, one not granted to CI, inline KMS", () => {
  expect(rows("cloudbuild.yaml")).toEqual([
    [8, "JWT_SECRET", "cloudbuild-env-literal"],
    [9, "STRIPE_KEY", "cloudbuild-undeclared-secret"],
    [14, "OPENAI_API_KEY", "ci-tests-only"],
    [15, "serviceAccount", "cloudbuild-no-service-account"],
    [18, "OPENAI_API_KEY", "cloudbuild-wrong-secret"],
    [20, "SIGNED_URL_KEY", "cloudbuild-not-granted-to-ci"],
    [21, "availableSecrets.inline", "cloudbuild-not-secret-manager"],
    [24, "WEBHOOK_SHARED_SECRET", "secret-assignment"],
  ]);
  expect(rows("cloudbuild.yaml", "good")).toEqual([]);
});
