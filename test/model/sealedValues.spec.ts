import { randomBytes } from "crypto";
import { CATALOG } from "../../catalog";
import { readStackConfig } from "../../cli/plan/stackFiles";
import { buildModel, kmsSecretKeyId, RawConfig } from "../../model";
import { fixtureProject } from "../fixtures";

const K = "pegasus-secrets";
const KEY = "projects/pegasus-staging/locations/europe-west1/keyRings/intake/cryptoKeys/external";
const ciphertext = () => randomBytes(48).toString("base64");

/** The fixture staging stack with `sealedValues` and some external keys unset (not markers). */
function raw(sealed: unknown, drop: string[] = [], extra: Record<string, string> = {}): RawConfig {
  const project = fixtureProject();
  try {
    const files = readStackConfig(project.dir, "staging");
    const values: Record<string, string | undefined> = { ...files.values, ...extra };
    for (const k of drop) delete values[`${K}:${k}`];
    if (sealed !== undefined) values[`${K}:sealedValues`] = JSON.stringify(sealed);
    const secret = new Set(files.secretKeys);
    return { get: (k) => values[k], isSecret: (k) => secret.has(k) };
  } finally {
    project.cleanup();
  }
}
const OPENAI = ["openaiApiKeyApi", "openaiApiKeyWorker", "openaiApiKeyCi"];
const sealedOpenAi = () => Object.fromEntries(OPENAI.map((k) => [k, ciphertext()]));

describe("sealed external values", () => {
  it("an external value may be sealed instead of set with pulumi config set --secret", () => {
    const model = buildModel(CATALOG, "staging", raw({ key: KEY, values: sealedOpenAi() }, OPENAI));
    expect(model.config.sealedValues?.key).toBe(KEY);
    expect(Object.keys(model.config.sealedValues!.values)).toEqual(OPENAI);
  });

  it("names the seal command for an unset value of a stack that seals", () => {
    expect(() =>
      buildModel(CATALOG, "staging", raw({ key: KEY, values: {} }, ["openaiApiKeyApi"])),
    ).toThrow(
      `\`${K}:openaiApiKeyApi\`: holds the external value of OPENAI_API_KEY for api and is not set. Fix: npx pegasus-secrets seal OPENAI_API_KEY --stack staging --consumer api --operator <you>   (paste the value at the prompt; it is sealed with ${KEY})`,
    );
  });

  it("refuses a value both set and sealed, a bad key, a ciphertext edited by hand, and a sealed key nothing reads", () => {
    const err = (() => {
      try {
        buildModel(
          CATALOG,
          "staging",
          raw(
            {
              key: "projects/p/keyRings/r",
              values: {
                openaiApiKeyApi: ciphertext(),
                openaiApiKeyWorker: "not base64!",
                nope: ciphertext(),
              },
            },
            ["openaiApiKeyWorker"],
          ),
        );
      } catch (e) {
        return (e as Error).message;
      }
      return "";
    })();
    expect(err).toContain(
      `\`${K}:openaiApiKeyApi\`: is set, and OPENAI_API_KEY for api is also sealed (sealedValues.values.openaiApiKeyApi): one value, in one place. Fix: keep the sealed one: pulumi config rm ${K}:openaiApiKeyApi --stack staging`,
    );
    expect(err).toContain(
      `\`${K}:sealedValues.key\`: "projects/p/keyRings/r" is not a Cloud KMS key name: expected projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>.`,
    );
    expect(err).toContain(
      `\`${K}:sealedValues.values.openaiApiKeyWorker\`: is not a Cloud KMS ciphertext in base64: it was edited by hand, or is not sealed at all.`,
    );
    expect(err).toContain(
      `\`${K}:sealedValues.values.nope\`: is not an external value of this stack`,
    );
  });

  it("names the key the way the getKMSSecret data source documents it", () => {
    expect(kmsSecretKeyId(KEY)).toBe("pegasus-staging/europe-west1/intake/external");
    expect(() => kmsSecretKeyId("intake")).toThrow('"intake" is not a Cloud KMS key name.');
  });
});
