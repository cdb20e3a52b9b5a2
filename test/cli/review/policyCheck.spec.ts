// The offline policy check: the pack's rules on the plan `plan --json` prints, including the
// resource options it records (protect), on synthetic plans and on the real production stack.
import { planJson, RevisionPlan } from "../../../cli/plan";
import { planViolations, policyResult, policyText } from "../../../cli/review/policyCheck";
import { planStack } from "../../helpers";
import { auditConfig, secret } from "../../policy/fixtures";

// The in-process plan starts the SDK's callbacks server when the program registers resource hooks;
// closing the runtime afterwards lets the Jest worker exit cleanly.
afterAll(() => {
  (require("@pulumi/pulumi/runtime/settings") as { disconnectSync(): void }).disconnectSync();
});

const prodSecret = (options?: {
  protect?: boolean;
}): NonNullable<RevisionPlan["resources"]>[number] => {
  const s = secret("jwt-secret", { deletionProtection: true });
  return {
    type: s.type,
    name: s.name,
    inputs: s.inputs,
    parent: null,
    ...(options ? { options } : {}),
  };
};
const audit = auditConfig();
const plan = (resources: NonNullable<RevisionPlan["resources"]>): RevisionPlan => ({
  stack: "production",
  resources: [{ type: audit.type, name: audit.name, inputs: audit.inputs }, ...resources],
});

test("a production secret the plan records without `protect` fails; with it, or in an older plan without options, passes", () => {
  expect(planViolations(plan([prodSecret({})]), true).map((v) => [v.policy, v.resource])).toEqual([
    ["production-secrets-protected", "jwt-secret"],
  ]);
  expect(planViolations(plan([prodSecret({ protect: true })]), true)).toEqual([]);
  expect(planViolations(plan([prodSecret()]), true)).toEqual([]);
});

test("the real production stack passes every policy, protect included", async () => {
  const p = planJson(await planStack("production"));
  const secrets = p.resources.filter((r) => r.type === "gcp:secretmanager/secret:Secret");
  expect(secrets.length).toBeGreaterThan(0);
  expect(
    secrets.every((r) => (r as { options?: { protect?: boolean } }).options?.protect === true),
  ).toBe(true);
  expect(planViolations(p as RevisionPlan, true)).toEqual([]);
});

test("the text report names the stack, the policy, the resource and the fix", () => {
  const r = policyResult("production", { status: "ok", plan: plan([prodSecret({})]) }, true);
  expect(policyText([r])).toBe(
    [
      'Stack "production": FAILED (1 violation(s)):',
      "  - [mandatory] production-secrets-protected on jwt-secret (gcp:secretmanager/secret:Secret): jwt-secret is a production secret without the `protect` resource option. ManagedSecret sets it from `deletionProtection`.",
    ].join("\n"),
  );
  expect(policyText([policyResult("staging", { status: "absent" }, true)])).toBe(
    'Stack "staging": no stack file, nothing to check.',
  );
});
