import * as logging from "@pulumi/gcp/logging";
import * as monitoring from "@pulumi/gcp/monitoring";
import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link UnexpectedAccessAlert}. */
export interface UnexpectedAccessAlertArgs {
  project: pulumi.Input<string>;
  /** The log-based metrics (name and Logging filter), from the model (`model/signals.ts`). */
  metrics: { metric: string; filter: string }[];
  notificationChannels: pulumi.Input<pulumi.Input<string>[]>;
  stack: string;
}

/**
 * Reads that nobody expects (guide: audit logging for secret access, made useful): log-based
 * metrics count `AccessSecretVersion` calls in the Data Access audit logs on this stack's secrets
 * by any principal that is not one of that secret's runtime consumers, labelled by who read which
 * secret, and an alert fires on the first one. Runtime reads never count; a person's read during
 * an incident does, on purpose.
 */
export class UnexpectedAccessAlert extends pulumi.ComponentResource {
  /** The alert policy's name. */
  public readonly policyName: pulumi.Output<string>;

  constructor(
    name: string,
    args: UnexpectedAccessAlertArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("pegasus:monitoring:UnexpectedAccessAlert", name, {}, opts);
    if (args.metrics.length === 0) throw new Error("`metrics` must name at least one metric.");
    const metrics = args.metrics.map(
      (m, i) =>
        new logging.Metric(
          i === 0 ? name : `${name}-${i + 1}`,
          {
            project: args.project,
            name: m.metric,
            description: `AccessSecretVersion on a ${args.stack} secret by a principal that is not one of its runtime consumers (pegasus-secrets).`,
            filter: m.filter,
            metricDescriptor: {
              metricKind: "DELTA",
              valueType: "INT64",
              unit: "1",
              labels: [
                { key: "principal", valueType: "STRING", description: "Who read the secret" },
                { key: "secret", valueType: "STRING", description: "Which secret" },
              ],
            },
            labelExtractors: {
              principal: "EXTRACT(protoPayload.authenticationInfo.principalEmail)",
              secret: 'REGEXP_EXTRACT(protoPayload.resourceName, "/secrets/([^/]+)/")',
            },
          },
          { parent: this },
        ),
    );
    const policy = new monitoring.AlertPolicy(
      `${name}-policy`,
      {
        project: args.project,
        displayName: `pegasus-secrets ${args.stack}: a secret was read by an unexpected principal`,
        combiner: "OR",
        severity: "CRITICAL",
        conditions: metrics.map((m, i) => ({
          displayName: `Unexpected AccessSecretVersion (${i + 1})`,
          conditionThreshold: {
            filter: pulumi.interpolate`metric.type = "logging.googleapis.com/user/${m.name}"`,
            comparison: "COMPARISON_GT",
            thresholdValue: 0,
            duration: "0s",
            aggregations: [{ alignmentPeriod: "60s", perSeriesAligner: "ALIGN_SUM" }],
          },
        })),
        notificationChannels: args.notificationChannels,
        documentation: {
          mimeType: "text/markdown",
          content: [
            `A ${args.stack} secret was read by a principal that is not one of its runtime consumers (the metric's labels say who and which secret).`,
            "",
            "1. A break-glass read for an open incident is expected: check `npx pegasus-secrets log` for its grant-access entry.",
            "2. Otherwise treat it as a suspected exposure: `npx pegasus-secrets break-glass <VARIABLE> --operator <you> --incident <id>` (docs/operations.md).",
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
