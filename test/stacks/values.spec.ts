// What each stack stores per consumer, on the test fixtures' stack files: CI's own OpenAI key marked
// for tests only, separate API and worker values where the guide says "where possible", a pair of
// Cloud SQL users per consumer, and an environment-specific PLC_STORAGE_DIR. Who may receive what
// is the policy's matrix, judged in test/policy (matrix.spec.ts, access.spec.ts); here every rule
// runs on both stacks, which must pass (no false positive).
import { Evaluation, readStackConfig } from "../../cli/plan";
import { checkStack, contextFromConfig } from "../../policy/rules";
import { fixtureProject } from "../fixtures";
import { planStack } from "../helpers";

const evaluations: Record<string, Evaluation> = {};
const fixture = fixtureProject();
beforeAll(async () => {
  evaluations.staging = await planStack("staging", { projectDir: fixture.dir });
  evaluations.production = await planStack("production", { projectDir: fixture.dir });
});
afterAll(() => fixture.cleanup());

describe.each(["staging", "production"])("%s", (stack) => {
  it("passes every rule of the policy, with the context its own config gives the pack", () => {
    const ev = evaluations[stack];
    const ctx = contextFromConfig(stack, readStackConfig(fixture.dir, stack).values);
    const resources = ev.resources.map((r) => ({
      type: r.type,
      name: r.name,
      inputs: r.inputs,
      protect: r.options.protect === true,
    }));
    expect(resources.length).toBeGreaterThan(50);
    expect(checkStack(resources, ctx)).toEqual([]);
  });

  it("gives CI its own OpenAI key, marked for tests only", () => {
    const ci = evaluations[stack].resources.find(
      (r) => r.type === "gcp:secretmanager/secret:Secret" && r.name === "openai-api-key-ci",
    );
    expect((ci?.inputs.annotations as Record<string, string>)["pegasus.dev/usage"]).toBe(
      "ci:tests-only",
    );
  });

  it("keeps separate API and worker values where the guide says 'where possible'", () => {
    const scopes = (variable: string) =>
      evaluations[stack].model.secrets.filter((s) => s.variable === variable).map((s) => s.scope);
    expect(scopes("OPENAI_API_KEY")).toEqual(["api", "worker", "ci"]);
    expect(scopes("DATABASE_URL")).toEqual(["api", "worker", "ci"]);
    expect(scopes("AWS_SECRET_ACCESS_KEY")).toEqual(["api", "worker"]);
    // One Redis AUTH string per instance: separation is not possible, so one shared value.
    expect(scopes("REDIS_URL")).toEqual(["shared"]);
  });

  it("gives each consumer its own pair of Cloud SQL users for DATABASE_URL (D1a, D2)", () => {
    const users = evaluations[stack].resources.filter((r) => r.type === "gcp:sql/user:User");
    expect(users.map((u) => u.inputs.name).sort()).toEqual(
      ["api_a", "api_b", "ci_a", "ci_b", "worker_a", "worker_b"].map((u) => `${stack}_${u}`),
    );
    for (const u of users) expect(u.inputs.password).toBe("[secret]");
  });
});

it("keeps PLC_STORAGE_DIR environment-specific", () => {
  const dir = (stack: string) =>
    evaluations[stack].model.plain.find((p) => p.variable === "PLC_STORAGE_DIR")?.value;
  expect(dir("staging")).toBeTruthy();
  expect(dir("staging")).not.toBe(dir("production"));
});
