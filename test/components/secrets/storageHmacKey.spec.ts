import { StorageHmacKey } from "../../../components/secrets";
import { useMocks } from "../../mocks";
import { isSecret } from "../../helpers";

const { ofType } = useMocks();

describe("StorageHmacKey", () => {
  it("belongs to the runtime identity and returns secret credentials", async () => {
    const k = new StorageHmacKey("hmac-api", {
      project: "p",
      serviceAccountEmail: "a@p.iam.gserviceaccount.com",
      keeper: "initial",
    });
    expect(await isSecret(k.secret)).toBe(true);
    expect(await isSecret(k.accessId)).toBe(true);
    expect(ofType("gcp:storage/hmacKey:HmacKey")[0].inputs.serviceAccountEmail).toBe(
      "a@p.iam.gserviceaccount.com",
    );
  });
});
