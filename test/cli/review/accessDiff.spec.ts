// The access diff: the pure comparison of two recorded plans (synthetic plans, fast): every IAM
// change on a secret whatever the role, break-glass grants, deliveries, rotations, and how the PR
// comment shows them. test/cli/review/gate.spec.ts runs it on real revisions as CI does.
import { diffStack, iamChanges, StackDiff } from "../../../cli/review/accessDiff";
import {
  CHANGES_THE_RULES,
  COMMENT_MARKER,
  renderMarkdown,
} from "../../../cli/review/accessDiffReport";
import { iamEntries } from "../../../cli/review/planViews";
import { POLICIES, RuleResource } from "../../../policy/rules";
import {
  API_EMAIL,
  binding,
  compliantStack,
  GCP_PROJECT,
  secret,
  version,
  WORKER_EMAIL,
} from "../../policy/fixtures";
import { ok, recorded } from "./plans";

const report = (d: StackDiff, ruleChanges: string[] = []) =>
  renderMarkdown({
    base: { ref: "origin/main", commit: "0".repeat(40) },
    ruleChanges,
    stacks: [d],
    passed: d.policy.evaluated && d.policy.violations.length === 0,
  });
/** The compliant stack with `r` replacing the resource of its name and type, or added. */
const withResource = (...rs: RuleResource[]): RuleResource[] => [
  ...compliantStack().filter((x) => !rs.some((r) => r.name === x.name && r.type === x.type)),
  ...rs,
];
const SA = (email: string) => `serviceAccount:${email}`;

test("an unchanged stack has no access changes, no overdue secret, and passes every policy", () => {
  const d = diffStack("staging", ok(recorded()), ok(recorded()));
  expect(d.iam).toEqual([]);
  const md = report(d);
  expect(md.startsWith(COMMENT_MARKER)).toBe(true);
  expect(md).toContain(
    `### Stack \`staging\`\n\nNo access changes.\n\n**Overdue secrets:** none.\n\n**Policy:** ✅ passes all ${POLICIES.length} policies.`,
  );
  expect(md).not.toContain(CHANGES_THE_RULES);
});

test("JWT_SECRET granted to the worker: an added grant that breaks the matrix, its guide row named", () => {
  const head = recorded(withResource(binding("jwt-secret", [SA(API_EMAIL), SA(WORKER_EMAIL)])));
  const d = diffStack("staging", ok(recorded()), ok(head));
  expect(
    d.iam.map((c) => [c.change, c.variable, c.consumer, c.after, c.breaks.map((b) => b.policy)]),
  ).toEqual([
    ["added", "JWT_SECRET", "worker", ["roles/secretmanager.secretAccessor"], ["ownership-matrix"]],
  ]);
  const md = report(d);
  expect(md).toContain(
    `| added | \`JWT_SECRET\` | worker | \`${SA(WORKER_EMAIL)}\` | \`roles/secretmanager.secretAccessor\` | \`staging-jwt-secret\` | ❌ \`ownership-matrix\` (guide: "\\| \`JWT_SECRET\` / signing keys \\| ✅ \\| ❌ \\| ❌ \\| ❌ \\| rotate with overlap window \\|") |`,
  );
  expect(md).toContain("**Policy:** ❌ fails");
});

test("a second IAM resource with a wider role is shown as a change of roles, with the rule it breaks: never 'No access changes'", () => {
  const extra: RuleResource = {
    type: "gcp:secretmanager/secretIamMember:SecretIamMember",
    name: "jwt-secret-admin",
    inputs: {
      secretId: "staging-jwt-secret",
      role: "roles/secretmanager.admin",
      member: SA(API_EMAIL),
    },
  };
  const d = diffStack("staging", ok(recorded()), ok(recorded([...compliantStack(), extra])));
  expect(
    d.iam.map((c) => [c.change, c.member, c.before, c.after, c.breaks.map((b) => b.policy)]),
  ).toEqual([
    [
      "changed",
      SA(API_EMAIL),
      ["roles/secretmanager.secretAccessor"],
      ["roles/secretmanager.admin", "roles/secretmanager.secretAccessor"],
      ["one-accessor-binding-per-secret"],
    ],
  ]);
  const md = report(d);
  expect(md).not.toContain("No access changes");
  expect(md).not.toContain("(revoked)");
  // To a member that had nothing: an added admin grant.
  const worker = {
    ...extra,
    name: "jwt-secret-worker",
    inputs: { ...extra.inputs, member: SA(WORKER_EMAIL) },
  };
  const added = diffStack("staging", ok(recorded()), ok(recorded([...compliantStack(), worker])));
  expect(
    added.iam.map((c) => [c.change, c.consumer, c.after, c.breaks.map((b) => b.policy).sort()]),
  ).toEqual([
    [
      "added",
      "worker",
      ["roles/secretmanager.admin"],
      ["one-accessor-binding-per-secret", "ownership-matrix"],
    ],
  ]);
});

test("widening the binding's own role is a change of role, never a revocation", () => {
  const head = recorded(
    withResource(binding("jwt-secret", [SA(API_EMAIL)], { role: "roles/secretmanager.admin" })),
  );
  const d = diffStack("staging", ok(recorded()), ok(head));
  expect(d.iam.map((c) => [c.change, c.before, c.after])).toEqual([
    ["changed", ["roles/secretmanager.secretAccessor"], ["roles/secretmanager.admin"]],
  ]);
  expect(d.iam[0].breaks.map((b) => b.policy)).toEqual(["one-accessor-binding-per-secret"]);
  const md = report(d);
  expect(md).toContain("`roles/secretmanager.secretAccessor` → `roles/secretmanager.admin`");
  expect(md).not.toContain("revoked");
});

test("a grant that goes is a revocation", () => {
  const head = recorded(compliantStack().filter((r) => r.name !== "jwt-secret-accessors"));
  const d = diffStack("staging", ok(recorded()), ok(head));
  expect(d.iam.map((c) => [c.change, c.variable, c.consumer, c.before, c.after])).toEqual([
    ["removed", "JWT_SECRET", "api", ["roles/secretmanager.secretAccessor"], []],
  ]);
  expect(report(d)).toContain("`roles/secretmanager.secretAccessor` (revoked)");
});

describe("break-glass grants", () => {
  const grantedAt = "2026-11-30T08:00:00Z";
  const expiresAt = "2026-11-30T20:00:00Z";
  const member = "user:oncall@example.com";
  const config = {
    "pegasus-secrets:emergencyAccess": JSON.stringify([
      { variable: "JWT_SECRET", member, incident: "INC-7", operator: "bob", grantedAt, expiresAt },
    ]),
  };
  const emergency = (expression = `request.time < timestamp("${expiresAt}")`): RuleResource =>
    binding("jwt-secret", [member], {
      condition: { title: "break-glass INC-7", description: "d", expression },
    });
  const named = (r: RuleResource) => ({ ...r, name: "jwt-secret-emergency-1" });

  test("added and removed: member, secret, incident and expiry; a valid one breaks nothing", () => {
    const head = recorded([...compliantStack(), named(emergency())], config);
    const added = diffStack("staging", ok(recorded([], config)), ok(head));
    const d = diffStack("staging", ok(recorded(undefined, config)), ok(head));
    expect(added.policy.violations).toEqual([]);
    expect(d.emergency).toEqual([
      {
        change: "added",
        member,
        secretId: "staging-jwt-secret",
        variable: "JWT_SECRET",
        incident: "INC-7",
        expiresAt,
      },
    ]);
    expect(d.iam.map((c) => [c.change, c.condition, c.breaks])).toEqual([
      ["added", "break-glass INC-7", []],
    ]);
    expect(report(d)).toContain(
      `| added | \`${member}\` | \`JWT_SECRET\` | \`staging-jwt-secret\` | INC-7 | ${expiresAt} |`,
    );
    const gone = diffStack("staging", ok(head), ok(recorded(undefined, config)));
    expect(gone.emergency.map((g) => g.change)).toEqual(["removed"]);
  });

  test("one that lasts past 24 h after its recorded time breaks the rules", () => {
    const late = named(emergency('request.time < timestamp("2026-12-02T08:00:00Z")'));
    const d = diffStack(
      "staging",
      ok(recorded(undefined, config)),
      ok(recorded([...compliantStack(), late], config)),
    );
    expect(d.iam[0].breaks.map((b) => b.policy).sort()).toEqual([
      "no-human-or-public-members",
      "one-accessor-binding-per-secret",
    ]);
  });
});

test("rotations and overlap windows come from the keepers in the stack config", () => {
  const head = recorded(undefined, {
    "pegasus-secrets:rotations": JSON.stringify({ JWT_SECRET: "2026-11-29.1" }),
    "pegasus-secrets:previousKeepers": JSON.stringify({ JWT_SECRET: "initial" }),
  });
  const d = diffStack("staging", ok(recorded()), ok(head));
  expect(d.rotations).toEqual([{ variable: "JWT_SECRET", from: "initial", to: "2026-11-29.1" }]);
  expect(d.overlaps).toEqual([
    { variable: "JWT_SECRET", change: "opened", previousKeeper: "initial" },
  ]);
  expect(report(d)).toContain("previous value (`initial`) stays valid until finalize");
});

test("a base that does not evaluate lists every grant of the change as added; a head that does not evaluate fails", () => {
  const d = diffStack(
    "staging",
    { status: "failed", reason: "Invalid secret catalog" },
    ok(recorded()),
  );
  expect(d.compared).toBe(false);
  expect(d.iam.every((c) => c.change === "added")).toBe(true);
  expect(d.iam).toHaveLength(2);
  expect(report(d)).toContain("⚠️ **The base could not be evaluated**");
  const broken = diffStack("staging", ok(recorded()), {
    status: "failed",
    reason: "the catalog is invalid",
  });
  expect(broken.policy.evaluated).toBe(false);
  const md = renderMarkdown({
    base: { ref: "b", commit: null },
    ruleChanges: [],
    stacks: [broken],
    passed: false,
  });
  expect(md).toContain("**Result:** ❌ the check fails for `staging`.");
  expect(md).toContain("❌ **This change does not evaluate**");
});

test("violations already on the base are told apart from new ones; every finding names its guide line", () => {
  const bad = (name: string): RuleResource => ({
    type: "random:index/randomString:RandomString",
    name,
    inputs: { length: 32 },
  });
  const base = recorded([...compliantStack(), bad("old-token")]);
  const head = recorded([...compliantStack(), bad("old-token"), bad("new-token")]);
  const md = report(diffStack("staging", ok(base), ok(head)));
  expect(md).toMatch(
    /\| `old-token` \| old-token is a RandomString[^\n]*\(guide: "DESIGN.md D1[^\n]*\| already on base \|/,
  );
  expect(md).toMatch(/\| `new-token` \| new-token is a RandomString[^\n]*\| new \|/);
});

test("a change to the rules is marked, file by file", () => {
  const md = report(diffStack("staging", ok(recorded()), ok(recorded())), ["policy/matrix.ts"]);
  expect(md).toContain(`🛡️ **This change ${CHANGES_THE_RULES}**`);
  expect(md).toContain("- `policy/matrix.ts`");
});

test("overdue secrets are listed per stack, and an unknown rotation status says why", () => {
  const d = diffStack("production", ok(recorded()), ok(recorded()), {
    overdue: [
      {
        variable: "JWT_SECRET",
        ageDays: 120,
        periodDays: 90,
        lastRotation: "2026-08-01T00:00:00Z",
      },
    ],
    unrecorded: 2,
  });
  const md = report(d);
  expect(md).toContain("| `JWT_SECRET` | 2026-08-01T00:00:00Z | 120 d | 90 d |");
  expect(md).toContain("2 secret(s) have no recorded rotation");
  const unknown = diffStack("staging", ok(recorded()), ok(recorded()), {
    problem: "the catalog does not load",
  });
  expect(report(unknown)).toContain(
    "**Overdue secrets:** unknown, the rotation status could not be computed (the catalog does not load).",
  );
});

test("iamEntries reads every role on a secret and secret roles on a project, naming variable and consumer", () => {
  const project: RuleResource = {
    type: "gcp:projects/iAMMember:IAMMember",
    name: "all-secrets",
    inputs: {
      project: GCP_PROJECT,
      role: "roles/secretmanager.secretAccessor",
      member: SA(API_EMAIL),
    },
  };
  const plan = recorded([...compliantStack(), project, secret("x"), version("x")]);
  expect(iamEntries(plan).map((e) => [e.secretId, e.variable, e.consumer, e.role])).toEqual([
    ["staging-jwt-secret", "JWT_SECRET", "api", "roles/secretmanager.secretAccessor"],
    ["staging-openai-api-key-ci", "OPENAI_API_KEY", "ci", "roles/secretmanager.secretAccessor"],
    [`(project ${GCP_PROJECT})`, null, "api", "roles/secretmanager.secretAccessor"],
  ]);
  expect(iamChanges([], iamEntries(plan), [])).toHaveLength(3);
});
