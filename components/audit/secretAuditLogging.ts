import * as projects from "@pulumi/gcp/projects";
import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link SecretAuditLogging}. */
export interface SecretAuditLoggingArgs {
  /** GCP project whose Secret Manager access is audited. */
  project: pulumi.Input<string>;
}

/** The Data Access log types D5 turns on. DATA_READ is what records `AccessSecretVersion`. */
export const SECRET_AUDIT_LOG_TYPES = ["ADMIN_READ", "DATA_READ", "DATA_WRITE"] as const;

/**
 * Data Access audit logs for `secretmanager.googleapis.com` (DESIGN.md D5), with no exempted members.
 *
 * `IAMAuditConfig` is authoritative for one service in one project, so it is declared here and
 * nowhere else, and only by the one stack whose config says `manageAuditConfig: true` for that project.
 * Admin Activity logs (secret and version changes, IAM changes) are always on in GCP.
 */
export class SecretAuditLogging extends pulumi.ComponentResource {
  /** The audited service. */
  public readonly service: pulumi.Output<string>;

  constructor(name: string, args: SecretAuditLoggingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pegasus:audit:SecretAuditLogging", name, {}, opts);
    const config = new projects.IAMAuditConfig(
      name,
      {
        project: args.project,
        service: "secretmanager.googleapis.com",
        auditLogConfigs: SECRET_AUDIT_LOG_TYPES.map((logType) => ({ logType })),
      },
      { parent: this },
    );
    this.service = config.service;
    this.registerOutputs({ service: this.service });
  }
}
