import * as pulumi from "@pulumi/pulumi";
import { Model } from "../model";

/**
 * The markers the offline plan puts where it cannot see a value (cli/plan/stackFiles.ts: an
 * encrypted value it cannot decrypt, an unset one); they say nothing about the value itself.
 */
const OFFLINE_MARKER = /^\[(encrypted|unset): /;

/**
 * External values that must differ, compared when the program runs (`pulumi preview` and
 * `pulumi up`, where the CLI has decrypted them): the per-consumer keys of one variable (the API's,
 * the worker's and CI's `OPENAI_API_KEY`), which the guide wants separate (baseline rule 4). Two
 * equal values fail the run, naming the keys and never the value.
 *
 * Out of reach: a value equal to the other stack's (staging's key reused in production). A stack's
 * program sees only its own config; docs/review.md says so.
 *
 * Returns the `externalValue` to materialise with: every value of a compared key passes through
 * the comparison (still secret), so no resource is declared with a value that was not compared.
 */
export function distinctExternalValues(
  model: Model,
  externalValue: (configKey: string) => pulumi.Output<string>,
): (configKey: string) => pulumi.Output<string> {
  const groups = new Map<string, string[]>();
  for (const k of model.externalKeys) {
    if (k.scope === "shared") continue;
    groups.set(k.variable, [...(groups.get(k.variable) ?? []), k.key]);
  }
  const compared = new Map<string, pulumi.Output<string>>();
  for (const [variable, keys] of groups) {
    if (keys.length < 2) continue;
    const all = pulumi.all(keys.map((k) => externalValue(k)));
    const check = (values: string[]) => {
      const same: string[] = [];
      values.forEach((v, i) => {
        if (OFFLINE_MARKER.test(v)) return;
        for (let j = 0; j < i; j++)
          if (values[j] === v) same.push(`\`${keys[j]}\` and \`${keys[i]}\``);
      });
      if (same.length > 0) {
        throw new Error(
          `${same.join(", ")} hold the same value, but ${variable} has a separate value per consumer (guide, baseline rule 4: separate keys for API vs worker). Issue a separate key for each consumer and set it: pulumi config set --secret <key> --stack ${model.config.stack}.`,
        );
      }
    };
    // One Output per key: a failure in an apply fails the run (the SDK reports it as the program's
    // error, under `pulumi preview` and `pulumi up` alike), before any value reaches a resource.
    keys.forEach((k, i) =>
      compared.set(
        k,
        all.apply((values) => {
          check(values);
          return values[i];
        }),
      ),
    );
  }
  return (key) => compared.get(key) ?? externalValue(key);
}
