import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as pulumi from "@pulumi/pulumi";
import type { EmergencyGrant } from "../../model";

/** Arguments of {@link EmergencyAccess}. */
export interface EmergencyAccessArgs {
  project: pulumi.Input<string>;
  /** The secret it opens (its managed secret's ID, so the grant waits for it). */
  secretId: pulumi.Input<string>;
  /** The grant as the model resolved it: member, incident, expiry and the IAM condition. */
  grant: EmergencyGrant;
}

/**
 * A time-boxed break-glass read of one secret by one person during an incident: a separate
 * conditional binding (authoritative only for its own role and condition, so the runtime accessor
 * binding is untouched) whose condition ends it at its expiry, whatever happens to the stack.
 * `grant-access` writes it to stack config; `revoke-access` removes it.
 */
export class EmergencyAccess extends pulumi.ComponentResource {
  /** When the condition stops the grant (UTC). */
  public readonly expiresAt: pulumi.Output<string>;

  constructor(name: string, args: EmergencyAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pegasus:secrets:EmergencyAccess", name, {}, opts);
    const g = args.grant;
    if (!/^user:[^\s@]+@[^\s@]+$/.test(g.member)) {
      throw new Error(`\`grant.member\` "${g.member}" must be one person: user:<email>.`);
    }
    new secretmanager.SecretIamBinding(
      name,
      {
        project: args.project,
        secretId: args.secretId,
        role: "roles/secretmanager.secretAccessor",
        members: [g.member],
        condition: g.condition,
      },
      { parent: this },
    );
    this.expiresAt = pulumi.output(g.expiresAt);
    this.registerOutputs({ expiresAt: this.expiresAt });
  }
}
