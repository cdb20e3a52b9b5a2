import { SecretEncryption } from "../../../components/secrets";
import { useMocks } from "../../mocks";
import { settle } from "../../helpers";

const { ofType } = useMocks();

describe("SecretEncryption", () => {
  it("lets the Secret Manager agent use each key, and nothing else", async () => {
    const key = (l: string) => `projects/p-123456/locations/${l}/keyRings/r/cryptoKeys/k`;
    const e = new SecretEncryption("enc", {
      agentEmail: "service-1@gcp-sa-secretmanager.iam.gserviceaccount.com",
      keys: { "europe-west1": key("europe-west1"), "europe-west4": key("europe-west4") },
    });
    expect(e.grants).toHaveLength(2);
    await settle();
    const grants = ofType("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember");
    expect(grants.map((g) => [g.inputs.cryptoKeyId, g.inputs.role, g.inputs.member])).toEqual(
      ["europe-west1", "europe-west4"].map((l) => [
        key(l),
        "roles/cloudkms.cryptoKeyEncrypterDecrypter",
        "serviceAccount:service-1@gcp-sa-secretmanager.iam.gserviceaccount.com",
      ]),
    );
    expect(() => new SecretEncryption("none", { agentEmail: "a", keys: {} })).toThrow(
      "`keys` must name at least one key.",
    );
  });
});
