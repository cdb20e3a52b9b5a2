// The monitoring components: channels, the rotation-due alert and the unexpected-access alert.
import {
  NotificationChannels,
  RotationDueAlert,
  UnexpectedAccessAlert,
} from "../../../components/monitoring";
import { shortHash } from "../../../model";
import { useMocks } from "../../mocks";
import { settle, unwrap } from "../../helpers";

const { ofType } = useMocks();

describe("NotificationChannels", () => {
  it("creates an e-mail channel per address and passes existing channels through", async () => {
    const c = new NotificationChannels("alerts", {
      project: "p-123456",
      emails: ["oncall@example.com"],
      channels: ["projects/p-123456/notificationChannels/42"],
    });
    const names = await unwrap(c.names);
    await settle();
    const created = ofType("gcp:monitoring/notificationChannel:NotificationChannel");
    expect(created.map((x) => [x.name, x.inputs.type, x.inputs.labels])).toEqual([
      [
        `alerts-${shortHash("oncall@example.com")}`,
        "email",
        { email_address: "oncall@example.com" },
      ],
    ]);
    expect(names).toHaveLength(2);
    expect(names[1]).toBe("projects/p-123456/notificationChannels/42");
    expect(
      () =>
        new NotificationChannels("bad", { project: "p", emails: ["not an address"], channels: [] }),
    ).toThrow('`emails` entry "not an address" is not an e-mail address.');
  });
});

describe("RotationDueAlert", () => {
  it("keeps SECRET_ROTATE notices in a subscription and alerts while one waits", async () => {
    const a = new RotationDueAlert("due", {
      project: "p-123456",
      topic: "projects/p-123456/topics/staging-secret-rotation",
      subscription: "staging-secret-rotation-due",
      filter: 'attributes.eventType = "SECRET_ROTATE"',
      notificationChannels: ["projects/p-123456/notificationChannels/42"],
      stack: "staging",
    });
    await unwrap(a.policyName);
    await settle();
    const [sub] = ofType("gcp:pubsub/subscription:Subscription");
    expect([sub.inputs.name, sub.inputs.filter, sub.inputs.topic]).toEqual([
      "staging-secret-rotation-due",
      'attributes.eventType = "SECRET_ROTATE"',
      "projects/p-123456/topics/staging-secret-rotation",
    ]);
    const [policy] = ofType("gcp:monitoring/alertPolicy:AlertPolicy");
    expect(policy.inputs.notificationChannels).toEqual([
      "projects/p-123456/notificationChannels/42",
    ]);
    expect(policy.inputs.conditions[0].conditionThreshold).toMatchObject({
      filter:
        'resource.type = "pubsub_subscription" AND resource.labels.subscription_id = "staging-secret-rotation-due" AND metric.type = "pubsub.googleapis.com/subscription/num_undelivered_messages"',
      comparison: "COMPARISON_GT",
      thresholdValue: 0,
    });
    expect(policy.inputs.documentation.content).toContain(
      "npx pegasus-secrets rotation-status --stack staging",
    );
  });
});

describe("UnexpectedAccessAlert", () => {
  it("declares one metric per filter, labelled by principal and secret, and alerts on any", async () => {
    const a = new UnexpectedAccessAlert("access", {
      project: "p-123456",
      metrics: [
        { metric: "staging-unexpected-secret-access", filter: "f1" },
        { metric: "staging-unexpected-secret-access-2", filter: "f2" },
      ],
      notificationChannels: [],
      stack: "staging",
    });
    await unwrap(a.policyName);
    await settle();
    const metrics = ofType("gcp:logging/metric:Metric");
    expect(metrics.map((m) => [m.name, m.inputs.name, m.inputs.filter])).toEqual([
      ["access", "staging-unexpected-secret-access", "f1"],
      ["access-2", "staging-unexpected-secret-access-2", "f2"],
    ]);
    expect(Object.keys(metrics[0].inputs.labelExtractors)).toEqual(["principal", "secret"]);
    const [policy] = ofType("gcp:monitoring/alertPolicy:AlertPolicy");
    expect(
      policy.inputs.conditions.map(
        (c: { conditionThreshold: { filter: string } }) => c.conditionThreshold.filter,
      ),
    ).toEqual([
      'metric.type = "logging.googleapis.com/user/staging-unexpected-secret-access"',
      'metric.type = "logging.googleapis.com/user/staging-unexpected-secret-access-2"',
    ]);
    expect(policy.inputs.severity).toBe("CRITICAL");
  });
});
