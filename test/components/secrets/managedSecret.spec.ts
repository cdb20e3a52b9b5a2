import * as pulumi from "@pulumi/pulumi";
import { ManagedSecret, ManagedSecretArgs } from "../../../components/secrets";
import { shortHash } from "../../../model/naming";
import { isSecretInput, useMocks } from "../../mocks";
import { settle, unwrap } from "../../helpers";

const API_SA = "serviceAccount:staging-api@pegasus-staging.iam.gserviceaccount.com";
const { ofType } = useMocks();

const secretArgs = (over: Partial<ManagedSecretArgs> = {}): ManagedSecretArgs => ({
  project: "pegasus-staging",
  secretId: "staging-example",
  labels: { owner: "platform" },
  annotations: {},
  replicationLocations: [],
  rotationDays: 90,
  nextRotationTime: "2027-03-01T00:00:00Z",
  rotationTopicId: "projects/pegasus-staging/topics/t",
  versionDestroyTtlDays: 7,
  deletionProtection: false,
  current: { keeper: "initial", value: pulumi.secret(`v${Math.random()}`) },
  accessors: [API_SA],
  ...over,
});

describe("ManagedSecret", () => {
  it("grants access to exactly the declared accessors", async () => {
    const s = new ManagedSecret("example", secretArgs());
    await unwrap(s.secretName);
    await settle();
    const iam = ofType("gcp:secretmanager/secretIamBinding:SecretIamBinding");
    expect(iam.map((r) => [r.name, r.inputs.role, r.inputs.members])).toEqual([
      ["example-accessors", "roles/secretmanager.secretAccessor", [API_SA]],
    ]);
  });

  it("declares no binding when no runtime identity may read the secret", async () => {
    const s = new ManagedSecret("nobody", secretArgs({ accessors: [] }));
    await unwrap(s.secretName);
    await settle();
    expect(ofType("gcp:secretmanager/secretIamBinding:SecretIamBinding")).toEqual([]);
  });

  it("stores the value as a secret version that is disabled, not deleted, when replaced", async () => {
    const s = new ManagedSecret("example", secretArgs());
    await unwrap(s.currentVersion);
    await settle();
    const versions = ofType("gcp:secretmanager/secretVersion:SecretVersion");
    expect(versions.map((v) => v.name)).toEqual([`example-version-${shortHash("initial")}`]);
    expect(versions[0].inputs.deletionPolicy).toBe("DISABLE");
    expect(isSecretInput(versions[0].inputs.secretData)).toBe(true);
  });

  it("keeps the previous version during an overlap window, current created after it", async () => {
    const s = new ManagedSecret(
      "jwt",
      secretArgs({
        current: { keeper: "2026-11-29.1", value: pulumi.secret("new") },
        previous: { keeper: "initial", value: pulumi.secret("old") },
      }),
    );
    await unwrap(s.currentVersion);
    await settle();
    expect(ofType("gcp:secretmanager/secretVersion:SecretVersion").map((v) => v.name)).toEqual([
      `jwt-version-${shortHash("initial")}`,
      `jwt-version-${shortHash("2026-11-29.1")}`,
    ]);
    const data = ofType("gcp:secretmanager/secretVersion:SecretVersion").map((v) =>
      isSecretInput(v.inputs.secretData),
    );
    expect(data).toEqual([true, true]);
  });

  it("uses user-managed replication when regions are given, automatic otherwise", async () => {
    await unwrap(new ManagedSecret("auto", secretArgs()).secretName);
    await unwrap(
      new ManagedSecret(
        "regional",
        secretArgs({ secretId: "r", replicationLocations: ["europe-west1"] }),
      ).secretName,
    );
    const [auto, regional] = ofType("gcp:secretmanager/secret:Secret");
    expect(auto.inputs.replication).toEqual({ auto: {} });
    expect(regional.inputs.replication).toEqual({
      userManaged: { replicas: [{ location: "europe-west1" }] },
    });
  });

  it.each([
    [
      { secretId: "bad id" },
      '`secretId` "bad id" must be 1 to 255 letters, digits, hyphens or underscores.',
    ],
    [{ rotationDays: 91 }, "`rotationDays` 91 must be a whole number from 1 to 90."],
    [
      { labels: { Owner: "x" } },
      '`labels` entry "Owner" must have a key of 1 to 63 lower-case letters, digits, underscores and hyphens, starting with a letter and a value of at most 63 lower-case letters, digits, underscores and hyphens.',
    ],
  ])("refuses bad args %#", (over, message) => {
    expect(() => new ManagedSecret("bad", secretArgs(over as Partial<ManagedSecretArgs>))).toThrow(
      message,
    );
  });

  it("encrypts each replica with its customer-managed key, or the automatic replica with the global one", async () => {
    const key = (l: string) => `projects/pegasus-staging/locations/${l}/keyRings/r/cryptoKeys/k`;
    await unwrap(
      new ManagedSecret(
        "auto-cmek",
        secretArgs({ secretId: "a", kmsKeys: { global: key("global") } }),
      ).secretName,
    );
    await unwrap(
      new ManagedSecret(
        "regional-cmek",
        secretArgs({
          secretId: "r",
          replicationLocations: ["europe-west1"],
          kmsKeys: { "europe-west1": key("europe-west1") },
        }),
      ).secretName,
    );
    await settle();
    expect(ofType("gcp:secretmanager/secret:Secret").map((s) => s.inputs.replication)).toEqual([
      { auto: { customerManagedEncryption: { kmsKeyName: key("global") } } },
      {
        userManaged: {
          replicas: [
            {
              location: "europe-west1",
              customerManagedEncryption: { kmsKeyName: key("europe-west1") },
            },
          ],
        },
      },
    ]);
    expect(
      () =>
        new ManagedSecret(
          "bad-cmek",
          secretArgs({
            replicationLocations: ["europe-west1"],
            kmsKeys: { "us-east1": key("us-east1") },
          }),
        ),
    ).toThrow("`kmsKeys` names us-east1, which is not a replica location (europe-west1).");
  });
});
