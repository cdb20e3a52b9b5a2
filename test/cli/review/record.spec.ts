// The gate's recorder (cli/review/record.ts) on a stack that seals an external value with its KMS
// key: the program reads the value through a data source, as under `pulumi up`, and the recorder
// must run it the way the offline plan does (same mocks, no stand-in for a sealed key).
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { recordStack } from "../../../cli/review/record";
import { FixtureProject, projectCopy } from "../../fixtures";

let copy: FixtureProject;
beforeAll(() => {
  copy = projectCopy("pegasus-record-");
  const file = path.join(copy.dir, "Pulumi.staging.yaml");
  const doc = YAML.parseDocument(fs.readFileSync(file, "utf8"));
  doc.setIn(["config", "pegasus-secrets:sealedValues"], {
    key: "projects/pegasus-staging/locations/europe-west1/keyRings/pegasus/cryptoKeys/sealed",
    values: { openaiApiKeyApi: randomBytes(64).toString("base64") },
  });
  fs.writeFileSync(file, doc.toString());
});
afterAll(() => copy.cleanup());

test("records a stack with a sealed external value: no stand-in for it, its value traced as secret", async () => {
  const plan = await recordStack(copy.dir, "staging");
  // The sealed key gets no config value (the program would refuse a value in two places).
  expect(plan.config["pegasus-secrets:openaiApiKeyApi"]).toBeUndefined();
  expect(plan.config["pegasus-secrets:openaiApiKeyWorker"]).toBe("[secret]");
  expect(plan.resources.map((r) => r.name)).toContain("openai-api-key-api");
  // The decrypted stand-in reaches its version as a secret and nowhere in clear.
  expect(plan.offline.leaks).toEqual([]);
});
