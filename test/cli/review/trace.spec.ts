// The recorder's tracer (cli/review/trace.ts) on inputs in the SDK's wire form: where each stored or
// delivered value came from, secret values found in plain inputs, and redaction. Values are made at
// test time; the taint is drawn per test as the recorder draws it per run.
import { randomBytes } from "node:crypto";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { LEAKED, REDACTED, Tracer } from "../../../cli/review/trace";

const secret = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });
const VERSION = "gcp:secretmanager/secretVersion:SecretVersion";

test("a stored value from a secret source passes; a literal fails even wrapped as secret, in any payload field", () => {
  const taint = `taint${randomBytes(8).toString("hex")}`;
  const literal = randomBytes(32).toString("hex");
  const t = new Tracer(taint);
  const redacted = t.resource(VERSION, "from-random", {
    secretData: secret(`${taint}-1`),
    deletionPolicy: "DISABLE",
  });
  t.resource(VERSION, "derived", { secretData: secret(`postgresql://u:${taint}-2@10.0.0.3/db`) });
  t.resource(VERSION, "literal", { secretData: secret(literal) });
  t.resource(VERSION, "write-only", { secretDataWo: literal });
  expect(t.provenance.map((p) => [p.resource, p.field, p.fromSecretSource])).toEqual([
    ["from-random", "secretData", true],
    ["derived", "secretData", true],
    ["literal", "secretData", false],
    ["write-only", "secretDataWo", false],
  ]);
  expect(redacted).toEqual({ secretData: REDACTED, deletionPolicy: "DISABLE" });
  expect(JSON.stringify(t)).not.toContain(literal);
});

test("a delivery's secrets are traced key by key and keep their names; a secret in a plain input is a leak", () => {
  const taint = `taint${randomBytes(8).toString("hex")}`;
  const t = new Tracer(taint);
  const inputs = t.resource("pulumi-nodejs:dynamic/pegasus:FlyAppSecrets", "fly-api", {
    __provider: `serialized ${taint}-9`,
    app: "a",
    secrets: secret({ JWT_SECRET: `${taint}-3`, WEBHOOK_SHARED_SECRET: "typed-in" }),
    vars: { PUBLIC_API_URL: `https://x/${taint}-4` },
  });
  expect(t.provenance.map((p) => [p.field, p.fromSecretSource])).toEqual([
    ["secrets.JWT_SECRET", true],
    ["secrets.WEBHOOK_SHARED_SECRET", false],
  ]);
  expect(inputs).toEqual({
    __provider: expect.stringMatching(/^\[serialized provider, \d+ bytes\]$/),
    app: "a",
    secrets: { JWT_SECRET: REDACTED, WEBHOOK_SHARED_SECRET: REDACTED },
    vars: { PUBLIC_API_URL: LEAKED },
  });
  expect(t.leaks.map((l) => l.field)).toEqual(["__provider", "vars.PUBLIC_API_URL"]);
  expect(JSON.stringify(inputs)).not.toContain(taint);
});
