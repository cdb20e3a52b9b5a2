import * as pulumi from "@pulumi/pulumi";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

/** Computed outputs per type, as the real providers would return them. */
function computed(a: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  switch (a.type) {
    case "random:index/randomPassword:RandomPassword":
      return { result: `generated-${a.name}` };
    case "gcp:secretmanager/secret:Secret":
      return { name: `projects/p/secrets/${a.inputs.secretId}` };
    case "gcp:serviceaccount/account:Account":
      return { email: `${a.inputs.accountId}@${a.inputs.project}.iam.gserviceaccount.com` };
    case "gcp:storage/hmacKey:HmacKey":
      return { accessId: `access-${a.name}`, secret: `hmac-${a.name}` };
    case "gcp:projects/serviceIdentity:ServiceIdentity":
      return { email: "service-1@gcp-sa-secretmanager.iam.gserviceaccount.com" };
    default:
      return {};
  }
}

/**
 * Installs Pulumi's runtime mocks for component tests and returns the list every registration is
 * pushed to (reset it in `beforeEach`). Unknown invokes throw.
 */
export async function installMocks(
  stack = "staging",
  seen: pulumi.runtime.MockResourceArgs[] = [],
): Promise<pulumi.runtime.MockResourceArgs[]> {
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        seen.push(a);
        return { id: `${a.name}-id`, state: { ...a.inputs, ...computed(a) } };
      },
      call: (a) => {
        throw new Error(`unmocked invoke ${a.token}`);
      },
    },
    "pegasus-secrets",
    stack,
    false,
  );
  return seen;
}

/** Whether a value is a secret input as it arrives in `MockResourceArgs.inputs`: the SDK's secret signature. */
export const isSecretInput = (v: unknown): boolean =>
  typeof v === "object" &&
  v !== null &&
  (v as Record<string, unknown>)[specialSigKey] === specialSecretSig;

/** Installs the mocks for one spec file and empties the record before each test. */
export function useMocks(stack = "staging"): {
  seen: pulumi.runtime.MockResourceArgs[];
  ofType: (type: string) => pulumi.runtime.MockResourceArgs[];
} {
  const seen: pulumi.runtime.MockResourceArgs[] = [];
  beforeAll(() => installMocks(stack, seen));
  beforeEach(() => {
    seen.length = 0;
  });
  return { seen, ofType: (type) => seen.filter((r) => r.type === type) };
}
