import * as monitoring from "@pulumi/gcp/monitoring";
import * as pubsub from "@pulumi/gcp/pubsub";
import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link RotationDueAlert}. */
export interface RotationDueAlertArgs {
  project: pulumi.Input<string>;
  /** The rotation topic every secret notifies. */
  topic: pulumi.Input<string>;
  /** Name of the subscription that keeps the rotation notices (physical name). */
  subscription: string;
  /** Which messages it keeps: Secret Manager's SECRET_ROTATE notices only. */
  filter: string;
  /** Channels the alert notifies. */
  notificationChannels: pulumi.Input<pulumi.Input<string>[]>;
  /** Stack name, shown in the alert. */
  stack: string;
}

/** How long a rotation notice keeps the alert open if nobody acts on it. */
const NOTICE_RETENTION = "604800s";

/**
 * Rotation reminders that reach a person (guide baseline rule 5): Secret Manager publishes a
 * SECRET_ROTATE notice to the rotation topic when a secret is due; a filtered subscription keeps
 * those notices, and an alert fires while any is waiting. The on-call engineer rotates the secret
 * through the runbook, then clears the subscription (its documentation says how).
 */
export class RotationDueAlert extends pulumi.ComponentResource {
  /** The alert policy's name. */
  public readonly policyName: pulumi.Output<string>;

  constructor(name: string, args: RotationDueAlertArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pegasus:monitoring:RotationDueAlert", name, {}, opts);
    if (!/^[A-Za-z][A-Za-z0-9._~%+-]{2,254}$/.test(args.subscription)) {
      throw new Error(
        `\`subscription\` "${args.subscription}" is not a valid Pub/Sub subscription name.`,
      );
    }
    const subscription = new pubsub.Subscription(
      name,
      {
        project: args.project,
        name: args.subscription,
        topic: args.topic,
        filter: args.filter,
        messageRetentionDuration: NOTICE_RETENTION,
        // Nobody pulls it: the waiting notices are the signal. It must not expire while unused.
        expirationPolicy: { ttl: "" },
      },
      { parent: this },
    );
    const policy = new monitoring.AlertPolicy(
      `${name}-policy`,
      {
        project: args.project,
        displayName: `pegasus-secrets ${args.stack}: a secret is due for rotation`,
        combiner: "OR",
        severity: "WARNING",
        conditions: [
          {
            displayName: "Secret Manager sent a rotation notice",
            conditionThreshold: {
              filter: pulumi.interpolate`resource.type = "pubsub_subscription" AND resource.labels.subscription_id = "${subscription.name}" AND metric.type = "pubsub.googleapis.com/subscription/num_undelivered_messages"`,
              comparison: "COMPARISON_GT",
              thresholdValue: 0,
              duration: "0s",
              aggregations: [{ alignmentPeriod: "300s", perSeriesAligner: "ALIGN_MAX" }],
            },
          },
        ],
        notificationChannels: args.notificationChannels,
        documentation: {
          mimeType: "text/markdown",
          content: [
            `A secret of the ${args.stack} stack reached its rotation period (at most 90 days, secrets-management guide rule 5).`,
            "",
            `1. See which: \`npx pegasus-secrets rotation-status --stack ${args.stack}\`.`,
            "2. Rotate it through the runbook, staging first (docs/runbook.md).",
            `3. Clear the notice: \`gcloud pubsub subscriptions seek ${args.subscription} --time=$(date -u +%FT%TZ) --project <project>\`.`,
          ].join("\n"),
        },
        userLabels: { "managed-by": "pegasus-secrets", stack: args.stack },
      },
      { parent: this },
    );
    this.policyName = policy.name;
    this.registerOutputs({ policyName: this.policyName });
  }
}
