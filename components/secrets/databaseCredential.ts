import * as sql from "@pulumi/gcp/sql";
import * as pulumi from "@pulumi/pulumi";
import { secretOutput } from "./secretOutput";
import type { DatabaseUser } from "../../model";
import { GeneratedSecret } from "./generatedSecret";

/** Arguments of {@link DatabaseCredential}. */
export interface DatabaseCredentialArgs {
  project: pulumi.Input<string>;
  /** Cloud SQL instance the users are created on. */
  instance: string;
  /**
   * The consumer's two users (dual-user rotation), each with the generation of its password and
   * its role: exactly one `current`, at most one `previous`. Plain: it decides which users exist.
   */
  users: DatabaseUser[];
  /** Host and port the consumer connects to. */
  host: string;
  /** Default 5432. */
  port?: number;
  database: string;
  /** `sslmode` of the URL. Default `require`. */
  sslMode?: string;
  /** Password length. Default 32. */
  length?: number;
}

/**
 * A database credential that is real where it is checked (DESIGN.md D1a), rotated without downtime
 * (D2): two Cloud SQL users per consumer, used alternately. A rotation sets a new password on the
 * idle user and points the URL at it, while the previous user keeps the password every running
 * instance holds; `finalize` retires that password (replaced by one nobody receives). So no running
 * instance ever holds a rejected password.
 *
 * Both users need the same privileges in the database (grant them one role that owns the schema);
 * docs/runbook.md says how.
 */
export class DatabaseCredential extends pulumi.ComponentResource {
  /** The connection URL of the current user (secret). */
  public readonly url: pulumi.Output<string>;
  /** The URL of the previous user while a rotation is open (secret). */
  public readonly previousUrl?: pulumi.Output<string>;

  constructor(name: string, args: DatabaseCredentialArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pegasus:secrets:DatabaseCredential", name, {}, opts);
    const roles = args.users.map((u) => u.role);
    if (
      roles.filter((r) => r === "current").length !== 1 ||
      roles.filter((r) => r === "previous").length > 1
    ) {
      throw new Error("`users` must hold exactly one current user and at most one previous one.");
    }
    for (const u of args.users) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(u.username)) {
        throw new Error(
          `\`username\` "${u.username}" must be 1 to 63 lower-case letters, digits or underscores.`,
        );
      }
    }
    const port = args.port ?? 5432;
    const ssl = args.sslMode ?? "require";
    const urls = new Map<DatabaseUser["role"], pulumi.Output<string>>();
    for (const u of args.users) {
      const password = new GeneratedSecret(
        `${name}-${u.slot}-password`,
        { keeper: u.passwordKeeper, length: args.length },
        { parent: this },
      );
      const user = new sql.User(
        `${name}-${u.slot}`,
        {
          project: args.project,
          instance: args.instance,
          name: u.username,
          password: secretOutput(password.value),
          // Leaves the role on the instance if the stack is destroyed while the database still has objects.
          deletionPolicy: "ABANDON",
        },
        { parent: this },
      );
      urls.set(
        u.role,
        secretOutput(
          pulumi
            .all([user.name, password.value])
            .apply(
              ([n, pw]) =>
                `postgresql://${encodeURIComponent(n)}:${encodeURIComponent(pw)}@${args.host}:${port}/${encodeURIComponent(args.database)}?sslmode=${ssl}`,
            ),
        ),
      );
    }
    this.url = urls.get("current")!;
    this.previousUrl = urls.get("previous");
    this.registerOutputs({ url: this.url, previousUrl: this.previousUrl });
  }
}
