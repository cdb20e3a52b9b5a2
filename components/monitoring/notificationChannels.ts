import * as monitoring from "@pulumi/gcp/monitoring";
import * as pulumi from "@pulumi/pulumi";
import { EMAIL_RE, shortHash } from "../../model";

/** Arguments of {@link NotificationChannels}. */
export interface NotificationChannelsArgs {
  project: pulumi.Input<string>;
  /** Addresses to create e-mail channels for. Plain: it decides which channels exist. */
  emails: string[];
  /** Existing channels (`projects/<project>/notificationChannels/<id>`), used as they are. */
  channels: string[];
  /** Labels on the created channels. */
  labels?: Record<string, string>;
}

/**
 * Who a stack's alerts reach: an e-mail channel per configured address, plus existing channels
 * (a pager, a chat room) by name.
 */
export class NotificationChannels extends pulumi.ComponentResource {
  /** Every channel name, for an alert policy's `notificationChannels`. */
  public readonly names: pulumi.Output<string[]>;

  constructor(
    name: string,
    args: NotificationChannelsArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("pegasus:monitoring:NotificationChannels", name, {}, opts);
    for (const e of args.emails) {
      if (!EMAIL_RE.test(e)) throw new Error(`\`emails\` entry "${e}" is not an e-mail address.`);
    }
    const created = args.emails.map(
      (email) =>
        new monitoring.NotificationChannel(
          `${name}-${shortHash(email)}`,
          {
            project: args.project,
            type: "email",
            displayName: `pegasus-secrets alerts: ${email}`,
            labels: { email_address: email },
            userLabels: args.labels,
          },
          { parent: this },
        ),
    );
    this.names = pulumi.all([...created.map((c) => c.name), ...args.channels]);
    this.registerOutputs({ names: this.names });
  }
}
