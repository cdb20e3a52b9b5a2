/**
 * What Pulumi's runtime mocks answer the program in an offline run: the state each resource gets
 * (its inputs plus what the real provider would compute) and each data source it reads.
 */
import { createHash } from "crypto";

/** Generates the value a mock gives a computed secret output (a RandomPassword result, an HMAC secret). */
export type ValueGenerator = (kind: string, name: string) => string;

/** Deterministic per name, so two evaluations of an unchanged stack agree; changes when a name changes. */
export const defaultValueGenerator: ValueGenerator = (kind, name) =>
  `plan-${kind}-${createHash("sha256").update(`${kind}:${name}`).digest("hex").slice(0, 24)}`;

/** Computed outputs the real providers would return, per type. Secret-bearing ones come from `gen`. */
function computed(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  gcpProject: string,
  gen: ValueGenerator,
) {
  switch (type) {
    case "random:index/randomPassword:RandomPassword":
      return { result: gen("random-password", name), bcryptHash: gen("bcrypt", name) };
    case "gcp:serviceaccount/account:Account": {
      const email = `${inputs.accountId}@${inputs.project ?? gcpProject}.iam.gserviceaccount.com`;
      return {
        email,
        member: `serviceAccount:${email}`,
        name: `projects/${inputs.project}/serviceAccounts/${email}`,
      };
    }
    case "gcp:secretmanager/secret:Secret":
      return { name: `projects/${inputs.project ?? gcpProject}/secrets/${inputs.secretId}` };
    case "gcp:secretmanager/secretVersion:SecretVersion":
      return { name: `${String(inputs.secret)}/versions/1`, version: "1" };
    case "gcp:pubsub/topic:Topic":
      return { id: `projects/${inputs.project ?? gcpProject}/topics/${inputs.name}` };
    case "gcp:projects/serviceIdentity:ServiceIdentity":
      return { email: `service-000000000000@gcp-sa-secretmanager.iam.gserviceaccount.com` };
    case "gcp:storage/hmacKey:HmacKey":
      return { accessId: gen("hmac-access-id", name), secret: gen("hmac-secret", name) };
    default:
      return {};
  }
}

/**
 * What the runtime mocks answer for the program: each resource's state (its inputs plus what the
 * real provider would compute) and each data source it reads. The offline plan and the gate's
 * recorder both run the program with these, so a data source the program starts reading reaches
 * both, or neither.
 */
export function planMocks(gcpProject: string, gen: ValueGenerator) {
  /** Data sources the program read that have no stand-in here (see {@link registerUnderMocks}). */
  const unmocked = new Set<string>();
  return {
    unmocked,
    newResource(a: { type: string; name: string; inputs: Record<string, unknown> }) {
      const { id, ...outs } = computed(a.type, a.name, a.inputs, gcpProject, gen) as Record<
        string,
        unknown
      >;
      return { id: (id as string) ?? `${a.name}-id`, state: { ...a.inputs, ...outs } };
    },
    call(a: { token: string; inputs: Record<string, unknown> }): Record<string, unknown> {
      if (a.token === "gcp:redis/getInstance:getInstance") {
        return {
          ...a.inputs,
          authString: gen("redis-auth", String(a.inputs.name)),
          host: "10.0.0.4",
          port: 6378,
          transitEncryptionMode: "SERVER_AUTHENTICATION",
        };
      }
      if (a.token === "gcp:kms/getKMSSecret:getKMSSecret") {
        // A sealed external value: the plan never decrypts; a stand-in per ciphertext.
        return { ...a.inputs, plaintext: gen("kms-plaintext", String(a.inputs.ciphertext)) };
      }
      // Thrown here, the SDK's rejection would escape the program as an unhandled one and end the
      // process with no message; the run fails once the program is done instead.
      unmocked.add(a.token);
      return { ...a.inputs };
    },
  };
}
