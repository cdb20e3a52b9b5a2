// The offline policy check: this CLI's rules on what its recorder saw, on synthetic recorded plans.
// The real recorder runs in test/cli/review/gate.spec.ts (a clean staging stack as base and head, a
// head with a literal that reaches a SecretVersion); test/stacks/values.spec.ts runs the rules on
// both fixture stacks.
import { policyResult, policyText, recordedViolations } from "../../../cli/review/policyCheck";
import { compliantStack, secret } from "../../policy/fixtures";
import { ok, recorded } from "./plans";

const production = (protect: boolean) =>
  recorded(
    compliantStack().map((r) =>
      r.type.endsWith(":Secret")
        ? { ...secret(r.name, { ...r.inputs, deletionProtection: true }), protect }
        : r,
    ),
    {},
    "production",
  );

test("a production secret recorded without `protect` fails; with it, passes", () => {
  expect(recordedViolations(production(false)).map((v) => [v.policy, v.resource])).toEqual([
    ["production-secrets-protected", "jwt-secret"],
    ["production-secrets-protected", "openai-api-key-ci"],
  ]);
  expect(recordedViolations(production(true))).toEqual([]);
});

test("the text report names the stack, the policy, the resource, the fix and the guide line", () => {
  const r = policyResult("production", ok(production(false)));
  expect(policyText([r]).split("\n").slice(0, 2)).toEqual([
    'Stack "production": FAILED (2 violation(s)):',
    '  - [mandatory] production-secrets-protected on jwt-secret (gcp:secretmanager/secret:Secret): jwt-secret is a production secret without the `protect` resource option. ManagedSecret sets it from `deletionProtection`. (guide: "DESIGN.md D3 (versions): production secrets are protected from deletion")',
  ]);
  expect(policyText([policyResult("staging", { status: "absent" })])).toBe(
    'Stack "staging": no stack file, nothing to check.',
  );
});
