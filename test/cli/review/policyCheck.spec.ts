// The offline policy check: this CLI's rules on what its recorder saw. Synthetic recorded plans for
// the wiring, then the real recorder on a copy of the project with the test fixtures' stack files:
// production passes (no false positive; staging passes in gate.spec.ts). test/cli/review/gate.spec.ts records a head with a literal
// that reaches a SecretVersion.
import * as fs from "node:fs";
import * as path from "node:path";
import {
  policyCheck,
  policyResult,
  policyText,
  recordedViolations,
} from "../../../cli/review/policyCheck";
import { copyProject } from "../../helpers";
import { compliantStack, secret } from "../../policy/fixtures";
import { ok, recorded } from "./plans";

const FIXTURE_STACKS = path.resolve(__dirname, "..", "..", "fixtures", "stacks");

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

describe("the recorder on a copy of this project with the fixture stacks", () => {
  let project: ReturnType<typeof copyProject>;
  beforeAll(() => {
    project = copyProject("pegasus-policy-check-");
    for (const f of fs.readdirSync(FIXTURE_STACKS)) {
      fs.copyFileSync(path.join(FIXTURE_STACKS, f), path.join(project.dir, f));
    }
  });
  afterAll(() => project?.cleanup());

  // Staging is recorded clean too, as the base and head of test/cli/review/gate.spec.ts.
  test("production passes every policy: every stored or delivered secret comes from a secret source", async () => {
    const results = await policyCheck(project.dir, ["production"]);
    expect(results.map((r) => [r.stack, r.evaluated, r.violations])).toEqual([
      ["production", true, []],
    ]);
  }, 60_000);
});
