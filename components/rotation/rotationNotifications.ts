import * as projects from "@pulumi/gcp/projects";
import * as pubsub from "@pulumi/gcp/pubsub";
import * as pulumi from "@pulumi/pulumi";
import { PATTERNS } from "../../model/naming";

/** Arguments of {@link RotationNotifications}. */
export interface RotationNotificationsArgs {
  project: pulumi.Input<string>;
  /** Pub/Sub topic name (physical). */
  topicName: string;
  labels?: Record<string, string>;
}

/**
 * The Pub/Sub topic Secret Manager notifies when a secret's rotation is due, with the Secret Manager
 * service agent allowed to publish to it. Secret Manager only notifies; rotating is `rotate` + `pulumi up`.
 */
export class RotationNotifications extends pulumi.ComponentResource {
  /** Topic ID `projects/<project>/topics/<name>`, as `Secret.topics[].name` wants it. */
  public readonly topicId: pulumi.Output<string>;
  /** The publisher grant: secrets with rotation must be created after it (GCP checks publish rights). */
  public readonly publisherGrant: pubsub.TopicIAMMember;
  /** The Secret Manager service agent's email (it also uses customer-managed keys). */
  public readonly agentEmail: pulumi.Output<string>;

  constructor(
    name: string,
    args: RotationNotificationsArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("pegasus:rotation:RotationNotifications", name, {}, opts);
    if (
      !/^[A-Za-z][A-Za-z0-9._~%+-]{2,254}$/.test(args.topicName) ||
      args.topicName.startsWith("goog")
    ) {
      throw new Error(`\`topicName\` "${args.topicName}" is not a valid Pub/Sub topic name.`);
    }
    for (const v of Object.values(args.labels ?? {})) {
      if (!PATTERNS.labelValue.re.test(v))
        throw new Error(`\`labels\` value "${v}" must be ${PATTERNS.labelValue.rule}.`);
    }
    const topic = new pubsub.Topic(
      name,
      { project: args.project, name: args.topicName, labels: args.labels },
      { parent: this },
    );
    const agent = new projects.ServiceIdentity(
      `${name}-agent`,
      { project: args.project, service: "secretmanager.googleapis.com" },
      { parent: this },
    );
    this.publisherGrant = new pubsub.TopicIAMMember(
      `${name}-publisher`,
      {
        project: args.project,
        topic: topic.name,
        role: "roles/pubsub.publisher",
        member: pulumi.interpolate`serviceAccount:${agent.email}`,
      },
      { parent: this },
    );
    this.topicId = topic.id;
    this.agentEmail = agent.email;
    this.registerOutputs({ topicId: this.topicId, agentEmail: this.agentEmail });
  }
}
