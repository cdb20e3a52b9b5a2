/**
 * Recorded plans made by hand for the review specs: the small compliant stack of the policy tests
 * (test/policy/fixtures.ts) as the gate's recorder would hand it over, with its stack config and
 * nothing the recorder alone would flag. Each spec changes one thing.
 */
import type { RecordedPlan, RecordOutcome } from "../../../cli/review/record";
import type { RuleResource } from "../../../policy/rules";
import { compliantStack, STACK_CONFIG } from "../../policy/fixtures";

/** A recorded plan of `resources` (default: the compliant stack) with `config` over the fixture's. */
export function recorded(
  resources: RuleResource[] = compliantStack(),
  config: Record<string, string> = {},
  stack = "staging",
): RecordedPlan {
  return {
    stack,
    config: { ...STACK_CONFIG, ...config },
    resources: resources.map((r) => ({
      type: r.type,
      name: r.name,
      parent: null,
      inputs: r.inputs,
      protect: r.protect ?? false,
    })),
    outputs: {},
    offline: { provenance: [], leaks: [], catalog: [], localEnv: [] },
    model: { secrets: [] },
  };
}

export const ok = (plan: RecordedPlan): RecordOutcome => ({ status: "ok", plan });
