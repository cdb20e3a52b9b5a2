import * as storage from "@pulumi/gcp/storage";
import * as pulumi from "@pulumi/pulumi";
import { shortHash } from "../../model/naming";

/** Arguments of {@link StorageHmacKey}. */
export interface StorageHmacKeyArgs {
  project: pulumi.Input<string>;
  /** The runtime identity the key belongs to. */
  serviceAccountEmail: pulumi.Input<string>;
  /** Rotation keeper: a new keeper creates a new key before the old one is deleted. */
  keeper: string;
}

/**
 * Object storage credentials real where they are checked (D1a): a GCS HMAC key of the consumer's runtime
 * identity, used through the S3-compatible API as `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`.
 * Named by its keeper, so a rotation creates the new key first and then deletes the old one.
 */
export class StorageHmacKey extends pulumi.ComponentResource {
  /** The access ID (kept secret: it is half of a credential). */
  public readonly accessId: pulumi.Output<string>;
  /** The secret (secret). */
  public readonly secret: pulumi.Output<string>;

  constructor(name: string, args: StorageHmacKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pegasus:secrets:StorageHmacKey", name, {}, opts);
    const key = new storage.HmacKey(
      `${name}-${shortHash(args.keeper)}`,
      { project: args.project, serviceAccountEmail: args.serviceAccountEmail },
      { parent: this, additionalSecretOutputs: ["secret"] },
    );
    this.accessId = pulumi.secret(key.accessId);
    this.secret = pulumi.secret(key.secret);
    this.registerOutputs({ accessId: this.accessId, secret: this.secret });
  }
}
