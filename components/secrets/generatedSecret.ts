import * as pulumi from "@pulumi/pulumi";
import { secretOutput } from "./secretOutput";
import * as random from "@pulumi/random";
import { PATTERNS, shortHash } from "../../model/naming";

/** Arguments of {@link GeneratedSecret}. */
export interface GeneratedSecretArgs {
  /** Rotation keeper of the current value. Changing it creates a new value (DESIGN.md D2). */
  keeper: string;
  /** Keeper of the previous value during an overlap window; unset outside one. */
  previousKeeper?: string;
  /** Length of the value. Default 32. */
  length?: number;
}

/**
 * A generated secret value: one `random.RandomPassword` per live generation (D1).
 *
 * Each generation is its own resource, named by a hash of its keeper, so the previous value of a
 * signing key survives a rotation unchanged until `finalize` drops its keeper. `RandomPassword`, not
 * `RandomString`: only its `result` is secret in state. Letters and digits only, so values embed in
 * URLs and headers unescaped; 32 characters carry about 190 bits.
 */
export class GeneratedSecret extends pulumi.ComponentResource {
  /** The current value (secret). */
  public readonly value: pulumi.Output<string>;
  /** The previous value during an overlap window (secret). */
  public readonly previousValue?: pulumi.Output<string>;

  constructor(name: string, args: GeneratedSecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pegasus:secrets:GeneratedSecret", name, {}, opts);
    const length = args.length ?? 32;
    if (!Number.isInteger(length) || length < 24 || length > 256) {
      throw new Error(`\`length\` ${length} must be a whole number from 24 to 256.`);
    }
    for (const k of [args.keeper, args.previousKeeper]) {
      if (k !== undefined && !PATTERNS.keeper.re.test(k)) {
        throw new Error(`\`keeper\` "${k}" must be ${PATTERNS.keeper.rule}.`);
      }
    }
    if (args.previousKeeper === args.keeper) {
      throw new Error("`previousKeeper` must differ from `keeper`.");
    }
    const generation = (keeper: string) =>
      new random.RandomPassword(
        `${name}-${shortHash(keeper)}`,
        {
          length,
          special: false,
          minLower: 1,
          minUpper: 1,
          minNumeric: 1,
          keepers: { generation: keeper },
        },
        { parent: this },
      );
    this.value = secretOutput(generation(args.keeper).result);
    if (args.previousKeeper !== undefined) {
      this.previousValue = secretOutput(generation(args.previousKeeper).result);
    }
    this.registerOutputs({ value: this.value, previousValue: this.previousValue });
  }
}
