import * as sql from "@pulumi/gcp/sql";
import * as pulumi from "@pulumi/pulumi";
import { GeneratedSecret } from "./generatedSecret";

/** Arguments of {@link DatabaseCredential}. */
export interface DatabaseCredentialArgs {
  project: pulumi.Input<string>;
  /** Cloud SQL instance the user is created on. */
  instance: string;
  /** Database user name, one per consumer (least privilege). */
  username: string;
  /** Host and port the consumer connects to. */
  host: string;
  /** Default 5432. */
  port?: number;
  database: string;
  /** `sslmode` of the URL. Default `require`. */
  sslMode?: string;
  /** Rotation keeper of the password. */
  keeper: string;
  /** Password length. Default 32. */
  length?: number;
}

/**
 * A database credential that is real where it is checked (DESIGN.md D1a): a generated password set on a
 * Cloud SQL user by this same stack, composed into a `postgresql://` URL. Rotating the keeper changes the
 * user's password and the URL together, in one `pulumi up`.
 */
export class DatabaseCredential extends pulumi.ComponentResource {
  /** The connection URL (secret). */
  public readonly url: pulumi.Output<string>;

  constructor(name: string, args: DatabaseCredentialArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pegasus:secrets:DatabaseCredential", name, {}, opts);
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(args.username)) {
      throw new Error(
        `\`username\` "${args.username}" must be 1 to 63 lower-case letters, digits or underscores.`,
      );
    }
    const password = new GeneratedSecret(
      `${name}-password`,
      { keeper: args.keeper, length: args.length },
      { parent: this },
    );
    const user = new sql.User(
      name,
      {
        project: args.project,
        instance: args.instance,
        name: args.username,
        password: pulumi.secret(password.value),
        // Leaves the role on the instance if the stack is destroyed while the database still has objects.
        deletionPolicy: "ABANDON",
      },
      { parent: this },
    );
    const port = args.port ?? 5432;
    const ssl = args.sslMode ?? "require";
    this.url = pulumi.secret(
      pulumi
        .all([user.name, password.value])
        .apply(
          ([u, pw]) =>
            `postgresql://${encodeURIComponent(u)}:${encodeURIComponent(pw)}@${args.host}:${port}/${encodeURIComponent(args.database)}?sslmode=${ssl}`,
        ),
    );
    this.registerOutputs({ url: this.url });
  }
}
