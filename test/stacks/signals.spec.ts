// What each stack's plan declares for the signals: channels, the two alerts with the metric and
// its filter, emergency grants and, when configured, the KMS grants. Config comes from each
// test's overrides; the project ID is read back from the model, never assumed.
import { Evaluation } from "../../cli/plan";
import { planStack } from "../helpers";

const K = "pegasus-secrets";
const of = (ev: Evaluation, type: string) => ev.resources.filter((r) => r.type === type);

describe.each(["staging", "production"])("the signals of %s", (stack) => {
  let ev: Evaluation;
  beforeAll(async () => {
    ev = await planStack(stack, {
      overrides: { [`${K}:notifications`]: JSON.stringify({ emails: ["oncall@example.com"] }) },
    });
  });

  it("declares one e-mail channel and two alert policies notifying it", () => {
    expect(
      of(ev, "gcp:monitoring/notificationChannel:NotificationChannel").map((c) => c.inputs.labels),
    ).toEqual([{ email_address: "oncall@example.com" }]);
    const policies = of(ev, "gcp:monitoring/alertPolicy:AlertPolicy");
    expect(policies.map((p) => p.name).sort()).toEqual([
      "secret-rotation-due-policy",
      "unexpected-secret-access-policy",
    ]);
    for (const p of policies) expect((p.inputs.notificationChannels as unknown[]).length).toBe(1);
  });

  it("keeps rotation notices of its own topic, and counts unexpected reads with the model's filter", () => {
    const [sub] = of(ev, "gcp:pubsub/subscription:Subscription");
    const prefix = ev.model.config.secretIdPrefix;
    expect([sub.inputs.name, sub.inputs.filter, sub.inputs.topic]).toEqual([
      `${prefix}-secret-rotation-due`,
      'attributes.eventType = "SECRET_ROTATE"',
      `projects/${ev.model.config.gcpProject}/topics/${ev.model.rotationTopic}`,
    ]);
    const metrics = of(ev, "gcp:logging/metric:Metric");
    expect(metrics.map((m) => [m.inputs.name, m.inputs.filter])).toEqual(
      ev.model.signals.unexpectedAccess.map((m) => [m.metric, m.filter]),
    );
    // Every secret of the stack is covered, each with its accessors as the allowed readers.
    const filter = metrics.map((m) => String(m.inputs.filter)).join(" ");
    for (const s of ev.model.secrets) expect(filter).toContain(`"/secrets/${s.secretId}/"`);
  });

  it("declares no KMS grant and no emergency binding unless configured", () => {
    expect(of(ev, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember")).toEqual([]);
    const conditional = of(ev, "gcp:secretmanager/secretIamBinding:SecretIamBinding").filter(
      (b) => b.inputs.condition,
    );
    expect(conditional).toEqual([]);
  });
});

describe("customer-managed encryption and emergency access, when configured", () => {
  it("grants the Secret Manager agent each key, encrypts every secret, and opens one secret for one person", async () => {
    const base = await planStack("production");
    const project = base.model.config.gcpProject;
    const locations = base.model.config.replicationLocations;
    const key = (l: string) =>
      `projects/${project}/locations/${l}/keyRings/secrets/cryptoKeys/pegasus`;
    const ev = await planStack("production", {
      overrides: {
        [`${K}:kms`]: JSON.stringify({
          keys: Object.fromEntries(locations.map((l) => [l, key(l)])),
          required: true,
        }),
        [`${K}:emergencyAccess`]: JSON.stringify([
          {
            variable: "JWT_SECRET",
            member: "user:alice@example.com",
            incident: "INC-7",
            operator: "bob",
            grantedAt: "2026-11-30T08:00:00Z",
            expiresAt: "2026-11-30T10:00:00Z",
          },
        ]),
      },
    });
    const grants = of(ev, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember");
    expect(grants.map((g) => [g.inputs.cryptoKeyId, g.inputs.role])).toEqual(
      locations.map((l) => [key(l), "roles/cloudkms.cryptoKeyEncrypterDecrypter"]),
    );
    for (const s of of(ev, "gcp:secretmanager/secret:Secret")) {
      const replicas = (
        s.inputs.replication as {
          userManaged: {
            replicas: { location: string; customerManagedEncryption: { kmsKeyName: string } }[];
          };
        }
      ).userManaged.replicas;
      expect(replicas.map((r) => r.customerManagedEncryption.kmsKeyName)).toEqual(
        replicas.map((r) => key(r.location)),
      );
    }
    // Every managed secret waits for the key grants (a secret created before them would fail).
    for (const m of of(ev, "pegasus:secrets:ManagedSecret")) {
      expect(m.options.dependencies).toEqual(expect.arrayContaining(grants.map((g) => g.name)));
    }
    const emergency = of(ev, "gcp:secretmanager/secretIamBinding:SecretIamBinding").filter(
      (b) => b.inputs.condition,
    );
    expect(emergency.map((b) => [b.inputs.members, b.inputs.condition])).toEqual([
      [
        ["user:alice@example.com"],
        {
          title: "break-glass INC-7",
          description:
            "Read access for incident INC-7, granted 2026-11-30T08:00:00Z by bob, until 2026-11-30T10:00:00Z.",
          expression: 'request.time < timestamp("2026-11-30T10:00:00Z")',
        },
      ],
    ]);
  });
});
