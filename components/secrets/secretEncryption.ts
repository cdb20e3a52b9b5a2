import * as kms from "@pulumi/gcp/kms";
import * as pulumi from "@pulumi/pulumi";
import { serviceAccountMember, shortHash } from "../../model";

/** Arguments of {@link SecretEncryption}. */
export interface SecretEncryptionArgs {
  /** The Secret Manager service agent's email (it encrypts and decrypts with the keys). */
  agentEmail: pulumi.Input<string>;
  /** Replica location (`global` for automatic replication) -> Cloud KMS key name. */
  keys: Record<string, string>;
}

/**
 * Customer-managed encryption keys for the stack's secrets: the Secret Manager service agent may
 * encrypt and decrypt with each key, and every secret waits for these grants (a secret created
 * before them would fail). The keys themselves are the organisation's, managed elsewhere.
 */
export class SecretEncryption extends pulumi.ComponentResource {
  /** The grants: what every encrypted secret `dependsOn`. */
  public readonly grants: pulumi.Resource[];

  constructor(name: string, args: SecretEncryptionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pegasus:secrets:SecretEncryption", name, {}, opts);
    if (Object.keys(args.keys).length === 0) throw new Error("`keys` must name at least one key.");
    this.grants = Object.entries(args.keys).map(
      ([location, key]) =>
        new kms.CryptoKeyIAMMember(
          `${name}-${location}-${shortHash(key)}`,
          {
            cryptoKeyId: key,
            role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
            member: pulumi.output(args.agentEmail).apply(serviceAccountMember),
          },
          { parent: this },
        ),
    );
    this.registerOutputs({});
  }
}
