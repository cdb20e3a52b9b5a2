import { StorageHmacKey } from "../../../components/secrets";
import { shortHash } from "../../../model/naming";
import { useMocks } from "../../mocks";
import { isSecret, settle, unwrap } from "../../helpers";

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
    expect(k.previous).toBeUndefined();
    expect(ofType("gcp:storage/hmacKey:HmacKey")[0].inputs.serviceAccountEmail).toBe(
      "a@p.iam.gserviceaccount.com",
    );
  });

  it("keeps the previous key, ACTIVE, beside the new one while a rotation is open", async () => {
    const k = new StorageHmacKey("hmac-worker", {
      project: "p",
      serviceAccountEmail: "w@p.iam.gserviceaccount.com",
      keeper: "2026-11-30.1",
      previousKeeper: "initial",
    });
    const [secret, previous] = await Promise.all([unwrap(k.secret), unwrap(k.previous!.secret)]);
    await settle();
    const keys = ofType("gcp:storage/hmacKey:HmacKey");
    expect(keys.map((x) => [x.name, x.inputs.state])).toEqual([
      [`hmac-worker-${shortHash("2026-11-30.1")}`, undefined],
      [`hmac-worker-${shortHash("initial")}`, undefined],
    ]);
    expect(secret).not.toBe(previous);
    expect(await isSecret(k.previous!.accessId)).toBe(true);
  });
});
