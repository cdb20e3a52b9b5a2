import * as pulumi from "@pulumi/pulumi";
import {
  DatabaseCredential,
  GeneratedSecret,
  ManagedSecret,
  ManagedSecretArgs,
  RotationNotifications,
  RuntimeIdentity,
  SecretAuditLogging,
  StorageHmacKey,
} from "../../components";
import { shortHash } from "../../model/naming";
import { installMocks, isSecretInput } from "../mocks";
import { isSecret, settle, unwrap } from "../helpers";

const API_SA = "serviceAccount:staging-api@pegasus-staging.iam.gserviceaccount.com";
let seen: pulumi.runtime.MockResourceArgs[];
beforeAll(async () => {
  seen = await installMocks();
});
beforeEach(() => {
  seen.length = 0;
});
const ofType = (t: string) => seen.filter((r) => r.type === t);

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
});

describe("value sources", () => {
  it("GeneratedSecret uses RandomPassword keyed by the keeper, and its value is secret", async () => {
    const g = new GeneratedSecret("jwt-value", { keeper: "initial", length: 64 });
    expect(await isSecret(g.value)).toBe(true);
    const pw = ofType("random:index/randomPassword:RandomPassword");
    expect(pw.map((p) => [p.name, p.inputs.length, p.inputs.keepers])).toEqual([
      [`jwt-value-${shortHash("initial")}`, 64, { generation: "initial" }],
    ]);
    expect(ofType("random:index/randomString:RandomString")).toEqual([]);
  });

  it("GeneratedSecret refuses a short length", () => {
    expect(() => new GeneratedSecret("short", { keeper: "k", length: 8 })).toThrow(
      "`length` 8 must be a whole number from 24 to 256.",
    );
  });

  it("DatabaseCredential sets the password on the Cloud SQL user it composes into the URL", async () => {
    const c = new DatabaseCredential("db-api", {
      project: "p-123456",
      instance: "pg",
      username: "staging_api",
      host: "10.0.0.3",
      database: "pegasus",
      keeper: "initial",
    });
    const url = await unwrap(c.url);
    expect(await isSecret(c.url)).toBe(true);
    const user = ofType("gcp:sql/user:User")[0];
    expect(isSecretInput(user.inputs.password)).toBe(true);
    const password = (user.inputs.password as { value: string }).value;
    expect(url).toBe(`postgresql://staging_api:${password}@10.0.0.3:5432/pegasus?sslmode=require`);
  });

  it("StorageHmacKey belongs to the runtime identity and returns secret credentials", async () => {
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

describe("identities, audit, rotation", () => {
  it("RuntimeIdentity creates an account or references one, never both", async () => {
    const created = new RuntimeIdentity("api", {
      project: "pegasus-staging",
      accountId: "staging-api",
      displayName: "API",
    });
    expect(await unwrap(created.member)).toBe(API_SA);
    const referenced = new RuntimeIdentity("ci", {
      project: "p",
      email: "123456789@cloudbuild.gserviceaccount.com",
      displayName: "CI",
    });
    expect(await unwrap(referenced.member)).toBe(
      "serviceAccount:123456789@cloudbuild.gserviceaccount.com",
    );
    expect(ofType("gcp:serviceaccount/account:Account")).toHaveLength(1);
    expect(() => new RuntimeIdentity("x", { project: "p", displayName: "x" })).toThrow(
      "`accountId` or `email` must be set, and not both.",
    );
    expect(
      () => new RuntimeIdentity("y", { project: "p", email: "user@example.com", displayName: "y" }),
    ).toThrow(
      '`email` "user@example.com" must be a service-account email such as name@project-id.iam.gserviceaccount.com.',
    );
  });

  it("SecretAuditLogging turns on DATA_READ, DATA_WRITE and ADMIN_READ with no exemptions", async () => {
    const a = new SecretAuditLogging("audit", { project: "p" });
    await unwrap(a.service);
    const cfg = ofType("gcp:projects/iAMAuditConfig:IAMAuditConfig");
    expect(cfg).toHaveLength(1);
    expect(cfg[0].inputs.auditLogConfigs).toEqual([
      { logType: "ADMIN_READ" },
      { logType: "DATA_READ" },
      { logType: "DATA_WRITE" },
    ]);
  });

  it("RotationNotifications lets the Secret Manager agent publish", async () => {
    const r = new RotationNotifications("rot", {
      project: "p",
      topicName: "staging-secret-rotation",
    });
    await unwrap(r.topicId);
    await unwrap(r.publisherGrant.urn);
    const grant = ofType("gcp:pubsub/topicIAMMember:TopicIAMMember")[0];
    expect(grant.inputs.role).toBe("roles/pubsub.publisher");
    expect(grant.inputs.member).toBe(
      "serviceAccount:service-1@gcp-sa-secretmanager.iam.gserviceaccount.com",
    );
    expect(ofType("gcp:projects/serviceIdentity:ServiceIdentity")[0].inputs.service).toBe(
      "secretmanager.googleapis.com",
    );
  });
});
