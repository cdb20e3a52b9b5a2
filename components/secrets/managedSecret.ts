import * as secretmanager from "@pulumi/gcp/secretmanager";
import * as pulumi from "@pulumi/pulumi";
import { secretOutput } from "./secretOutput";
import { PATTERNS, shortHash } from "../../model/naming";

/** One live value of a secret: the current one, or the previous one during an overlap window. */
export interface SecretGeneration {
  /** Rotation keeper; names the version resource, so it must be plain. */
  keeper: string;
  value: pulumi.Input<string>;
}

/** Arguments of {@link ManagedSecret}. */
export interface ManagedSecretArgs {
  project: pulumi.Input<string>;
  /** Secret Manager secret ID (physical name). Must match [A-Za-z0-9_-]{1,255}. */
  secretId: string;
  /** Labels (consumers, owner, rotation period...). Keys and values must be valid GCP labels. */
  labels: Record<string, string>;
  /** Annotations for humans and tools (consumers, rotation period, owner, source). */
  annotations: Record<string, string>;
  /** Replica regions; empty means automatic replication. */
  replicationLocations: string[];
  /**
   * Customer-managed encryption: replica location -> Cloud KMS key (`global` for automatic
   * replication). Default: Google-managed encryption. Pass the key grants in `dependsOn`.
   */
  kmsKeys?: Record<string, string>;
  /** Rotation period in days (at most 90). */
  rotationDays: number;
  /** First notification time (RFC 3339); Secret Manager advances it by the period afterwards. */
  nextRotationTime: string;
  /** Pub/Sub topic ID notified when rotation is due. */
  rotationTopicId: pulumi.Input<string>;
  /** Days a destroyed version stays recoverable. */
  versionDestroyTtlDays: number;
  /** GCP-side deletion protection, plus Pulumi `protect`. */
  deletionProtection: boolean;
  /** The current value. */
  current: SecretGeneration;
  /**
   * The previous value while a rotation is open: its version stays enabled until `finalize`, then
   * is disabled (never destroyed). Its data is never rewritten (`ignoreChanges`), so `value` only
   * matters if the version does not exist yet.
   */
  previous?: SecretGeneration;
  /**
   * IAM members granted `roles/secretmanager.secretAccessor`, exactly (authoritative for this secret and
   * role, DESIGN.md D4). Plain list: it decides whether the binding exists. Only `serviceAccount:` members.
   */
  accessors: pulumi.Input<string>[];
}

const ACCESSOR_ROLE = "roles/secretmanager.secretAccessor";

/** Automatic or user-managed replication, each replica with its customer-managed key if any. */
function replication(locations: string[], keys: Record<string, string>) {
  const cmek = (location: string) =>
    keys[location] ? { customerManagedEncryption: { kmsKeyName: keys[location] } } : {};
  if (locations.length === 0) return { auto: { ...cmek("global") } };
  for (const l of Object.keys(keys)) {
    if (!locations.includes(l)) {
      throw new Error(
        `\`kmsKeys\` names ${l}, which is not a replica location (${locations.join(", ")}).`,
      );
    }
  }
  return {
    userManaged: { replicas: locations.map((location) => ({ location, ...cmek(location) })) },
  };
}

/**
 * A Secret Manager secret this stack owns: labels and annotations, replication, a rotation schedule that
 * notifies Pub/Sub, one version per live value whose replacement disables rather than deletes the old one
 * (D3), delayed destruction, optional deletion protection, and exact accessor grants (D4).
 */
export class ManagedSecret extends pulumi.ComponentResource {
  /** Secret ID (physical name). */
  public readonly secretId: pulumi.Output<string>;
  /** Full resource name `projects/<number>/secrets/<id>`. */
  public readonly secretName: pulumi.Output<string>;
  /** Resource name of the current version. */
  public readonly currentVersion: pulumi.Output<string>;

  constructor(name: string, args: ManagedSecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pegasus:secrets:ManagedSecret", name, {}, opts);
    if (!PATTERNS.secretId.re.test(args.secretId)) {
      throw new Error(`\`secretId\` "${args.secretId}" must be ${PATTERNS.secretId.rule}.`);
    }
    if (!Number.isInteger(args.rotationDays) || args.rotationDays < 1 || args.rotationDays > 90) {
      throw new Error(`\`rotationDays\` ${args.rotationDays} must be a whole number from 1 to 90.`);
    }
    for (const [k, v] of Object.entries(args.labels)) {
      if (!PATTERNS.label.re.test(k) || !PATTERNS.labelValue.re.test(v)) {
        throw new Error(
          `\`labels\` entry "${k}" must have a key of ${PATTERNS.label.rule} and a value of ${PATTERNS.labelValue.rule}.`,
        );
      }
    }
    if (args.previous && args.previous.keeper === args.current.keeper) {
      throw new Error("`previous.keeper` must differ from `current.keeper`.");
    }

    const secret = new secretmanager.Secret(
      name,
      {
        project: args.project,
        secretId: args.secretId,
        labels: args.labels,
        annotations: args.annotations,
        replication: replication(args.replicationLocations, args.kmsKeys ?? {}),
        rotation: {
          rotationPeriod: `${args.rotationDays * 86400}s`,
          nextRotationTime: args.nextRotationTime,
        },
        topics: [{ name: args.rotationTopicId }],
        versionDestroyTtl: `${args.versionDestroyTtlDays * 86400}s`,
        deletionProtection: args.deletionProtection,
      },
      {
        parent: this,
        protect: args.deletionProtection,
        // Secret Manager moves nextRotationTime forward itself after each notification.
        ignoreChanges: ["rotation.nextRotationTime"],
      },
    );

    // One version per live value, named by its keeper: a rotation adds the new version, and removing the
    // old one disables it (deletionPolicy DISABLE) instead of destroying it (DESIGN.md D3).
    const version = (g: SecretGeneration, opts: pulumi.CustomResourceOptions = {}) =>
      new secretmanager.SecretVersion(
        `${name}-version-${shortHash(g.keeper)}`,
        {
          secret: secret.id,
          secretData: secretOutput(g.value),
          deletionPolicy: "DISABLE",
          enabled: true,
        },
        { parent: this, ...opts },
      );
    // The previous version first, so the current one is always the latest. It was the current
    // version before the rotation and keeps the data it was created with: an external value's
    // config key now holds the new value, so the previous one exists only in this version.
    const previous = args.previous
      ? version(args.previous, { ignoreChanges: ["secretData"] })
      : undefined;
    const current = version(args.current, previous ? { dependsOn: [previous] } : {});

    if (args.accessors.length > 0) {
      new secretmanager.SecretIamBinding(
        `${name}-accessors`,
        {
          project: args.project,
          secretId: secret.secretId,
          role: ACCESSOR_ROLE,
          members: args.accessors,
        },
        { parent: this },
      );
    }

    this.secretId = secret.secretId;
    this.secretName = secret.name;
    this.currentVersion = current.name;
    this.registerOutputs({
      secretId: this.secretId,
      secretName: this.secretName,
      currentVersion: this.currentVersion,
    });
  }
}
