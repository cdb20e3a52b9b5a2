import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as pulumi from "@pulumi/pulumi";
import { PATTERNS, serviceAccountMember } from "../../model/naming";

/** Arguments of {@link RuntimeIdentity}. Exactly one of `accountId` and `email`. */
export interface RuntimeIdentityArgs {
  /** GCP project of a created account. */
  project: pulumi.Input<string>;
  /** Create a service account with this ID ([a-z][a-z0-9-]{4,28}[a-z0-9]). */
  accountId?: string;
  /** Reference an existing service account by email instead of creating one. */
  email?: string;
  /** Human-readable purpose, e.g. "Pegasus API runtime (staging)". */
  displayName: string;
}

/**
 * The runtime identity of one consumer (API, worker, or CI through Cloud Build): the only kind of
 * principal that may read a secret (DESIGN.md D4). Created by the stack or referenced by email.
 */
export class RuntimeIdentity extends pulumi.ComponentResource {
  /** Service-account email. */
  public readonly email: pulumi.Output<string>;
  /** IAM member string, `serviceAccount:<email>`. */
  public readonly member: pulumi.Output<string>;

  constructor(name: string, args: RuntimeIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pegasus:identities:RuntimeIdentity", name, {}, opts);
    if ((args.accountId === undefined) === (args.email === undefined)) {
      throw new Error("`accountId` or `email` must be set, and not both.");
    }
    if (args.accountId !== undefined && !PATTERNS.serviceAccountId.re.test(args.accountId)) {
      throw new Error(
        `\`accountId\` "${args.accountId}" must be ${PATTERNS.serviceAccountId.rule}.`,
      );
    }
    if (args.email !== undefined && !PATTERNS.serviceAccountEmail.re.test(args.email)) {
      throw new Error(`\`email\` "${args.email}" must be ${PATTERNS.serviceAccountEmail.rule}.`);
    }
    if (args.accountId !== undefined) {
      const account = new serviceaccount.Account(
        name,
        {
          project: args.project,
          accountId: args.accountId,
          displayName: args.displayName,
          description:
            "Runtime identity managed by pegasus-secrets; reads only the secrets its consumer is granted.",
        },
        { parent: this },
      );
      this.email = account.email;
    } else {
      this.email = pulumi.output(args.email!);
    }
    this.member = this.email.apply(serviceAccountMember);
    this.registerOutputs({ email: this.email, member: this.member });
  }
}
