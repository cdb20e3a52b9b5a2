// External values that must differ (stacks/distinct.ts): the per-consumer keys of one variable are
// compared as the program runs, and two equal ones fail it naming the keys, never the value. The
// values here are made at test time; the model is a stand-in with just the external keys.
import { randomBytes } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { ENCRYPTED_MARKER, unsetMarker } from "../../cli/plan";
import type { Model } from "../../model";
import { distinctExternalValues } from "../../stacks/distinct";
import { isSecret } from "../helpers";
import { installMocks } from "../mocks";

beforeAll(() => installMocks());

const model = {
  config: { stack: "staging" },
  externalKeys: [
    { key: "openaiApiKeyApi", variable: "OPENAI_API_KEY", scope: "api" },
    { key: "openaiApiKeyWorker", variable: "OPENAI_API_KEY", scope: "worker" },
    { key: "openaiApiKeyCi", variable: "OPENAI_API_KEY", scope: "ci" },
    { key: "redisUrl", variable: "REDIS_URL", scope: "shared" },
  ],
} as unknown as Model;

/**
 * The value of an Output. A failed one rejects its value and its known/secret flags alike; under
 * `pulumi up` the SDK reports that as the program's error, here the test awaits all three.
 */
const value = (o: pulumi.Output<string>): Promise<string> => {
  const x = o as unknown as {
    promise(): Promise<string>;
    isKnown: Promise<boolean>;
    isSecret: Promise<boolean>;
  };
  x.isKnown.catch(() => undefined);
  x.isSecret.catch(() => undefined);
  return x.promise();
};
const from = (values: Record<string, string>) =>
  distinctExternalValues(model, (k) => pulumi.secret(values[k]));

test("separate values pass through, still secret", async () => {
  const values = {
    openaiApiKeyApi: "a1",
    openaiApiKeyWorker: "w1",
    openaiApiKeyCi: "c1",
    redisUrl: "r",
  };
  const get = from(values);
  for (const k of Object.keys(values)) {
    expect(await value(get(k))).toBe(values[k as keyof typeof values]);
    expect(await isSecret(get(k))).toBe(true);
  }
});

test("two consumers with the same value fail every compared value, naming the keys and never the value", async () => {
  const same = randomBytes(16).toString("hex");
  const get = from({
    openaiApiKeyApi: same,
    openaiApiKeyWorker: "w",
    openaiApiKeyCi: same,
    redisUrl: same,
  });
  const message =
    "`openaiApiKeyApi` and `openaiApiKeyCi` hold the same value, but OPENAI_API_KEY has a separate value per consumer (guide, baseline rule 4: separate keys for API vs worker). Issue a separate key for each consumer and set it: pulumi config set --secret <key> --stack staging.";
  for (const k of ["openaiApiKeyApi", "openaiApiKeyWorker", "openaiApiKeyCi"]) {
    await expect(value(get(k))).rejects.toThrow(message);
  }
  // A shared value is one value by design: never compared.
  expect(await value(get("redisUrl"))).toBe(same);
});

test("the offline plan's markers are not values: two encrypted keys it cannot read are not equal", async () => {
  const get = from({
    openaiApiKeyApi: ENCRYPTED_MARKER,
    openaiApiKeyWorker: ENCRYPTED_MARKER,
    openaiApiKeyCi: unsetMarker("openaiApiKeyCi", "staging"),
    redisUrl: ENCRYPTED_MARKER,
  });
  expect(await value(get("openaiApiKeyWorker"))).toBe(ENCRYPTED_MARKER);
});
