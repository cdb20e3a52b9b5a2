import * as storage from "@pulumi/gcp/storage";
import * as pulumi from "@pulumi/pulumi";
import { secretOutput } from "./secretOutput";
import { shortHash } from "../../model/naming";

/** Arguments of {@link StorageHmacKey}. */
export interface StorageHmacKeyArgs {
  project: pulumi.Input<string>;
  /** The runtime identity the key belongs to. */
  serviceAccountEmail: pulumi.Input<string>;
  /** Rotation keeper: a new keeper creates a new key; the old one stays while it is `previousKeeper`. */
  keeper: string;
  /** While a rotation is open: the keeper of the previous key, which stays ACTIVE until `finalize`. */
  previousKeeper?: string;
}

/**
 * Object storage credentials real where they are checked (D1a): a GCS HMAC key of the consumer's runtime
 * identity, used through the S3-compatible API as `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`.
 * One key per live generation, named by its keeper: a rotation creates the new key while the
 * previous one stays ACTIVE (its holders keep working) until `finalize` drops it; the GCP provider
 * then sets it INACTIVE and deletes it (a key must be inactive to be deleted).
 */
export class StorageHmacKey extends pulumi.ComponentResource {
  /** The access ID (kept secret: it is half of a credential). */
  public readonly accessId: pulumi.Output<string>;
  /** The secret (secret). */
  public readonly secret: pulumi.Output<string>;
  /** The previous key's access ID and secret while a rotation is open (secret). */
  public readonly previous?: { accessId: pulumi.Output<string>; secret: pulumi.Output<string> };

  constructor(name: string, args: StorageHmacKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pegasus:secrets:StorageHmacKey", name, {}, opts);
    if (args.previousKeeper === args.keeper) {
      throw new Error("`previousKeeper` must differ from `keeper`.");
    }
    const generation = (keeper: string) => {
      const key = new storage.HmacKey(
        `${name}-${shortHash(keeper)}`,
        { project: args.project, serviceAccountEmail: args.serviceAccountEmail },
        { parent: this, additionalSecretOutputs: ["secret"] },
      );
      return { accessId: secretOutput(key.accessId), secret: secretOutput(key.secret) };
    };
    const current = generation(args.keeper);
    this.accessId = current.accessId;
    this.secret = current.secret;
    this.previous = args.previousKeeper !== undefined ? generation(args.previousKeeper) : undefined;
    this.registerOutputs({ accessId: this.accessId, secret: this.secret });
  }
}
