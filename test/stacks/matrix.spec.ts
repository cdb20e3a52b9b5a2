import { kebab } from "../../model/naming";
import { accessRows, Evaluation } from "../../cli/plan";
import { planStack } from "../helpers";

/**
 * The guide's ownership matrix, transcribed from secrets-management-guide.md independently of the
 * catalog, so a wrong catalog entry fails here rather than being checked against itself.
 */
const GUIDE_MATRIX: Record<
  string,
  { api: boolean; worker: boolean; mobile: boolean; ci: boolean; secret: boolean }
> = {
  OPENAI_API_KEY: { api: true, worker: true, mobile: false, ci: true, secret: true },
  DATABASE_URL: { api: true, worker: true, mobile: false, ci: true, secret: true },
  REDIS_URL: { api: true, worker: true, mobile: false, ci: true, secret: true },
  PLC_STORAGE_DIR: { api: true, worker: true, mobile: false, ci: true, secret: false },
  JWT_SECRET: { api: true, worker: false, mobile: false, ci: false, secret: true },
};

const evaluations: Record<string, Evaluation> = {};
beforeAll(async () => {
  evaluations.staging = await planStack("staging");
  evaluations.production = await planStack("production");
});

const CONSUMERS = ["api", "worker", "mobile", "ci"] as const;

describe.each(["staging", "production"])("the ownership matrix in %s", (stack) => {
  it.each(Object.entries(GUIDE_MATRIX))(
    "%s reaches exactly the consumers the guide ticks",
    (variable, row) => {
      const ev = evaluations[stack];
      const expected = CONSUMERS.filter((c) => row[c]);
      if (row.secret) {
        const granted = [
          ...new Set(
            accessRows(ev)
              .filter((a) => a.variable === variable)
              .map((a) => a.consumer),
          ),
        ];
        expect(granted.sort()).toEqual([...expected].sort());
        expect(
          ev.model.secrets
            .filter((s) => s.variable === variable)
            .flatMap((s) => s.consumers)
            .sort(),
        ).toEqual([...expected].sort());
      } else {
        // Plain config: delivered as a value, never stored in Secret Manager.
        const secretIds = ev.resources
          .filter((r) => r.type === "gcp:secretmanager/secret:Secret")
          .map((r) => String(r.inputs.secretId));
        expect(secretIds.some((id) => id.includes(kebab(variable)))).toBe(false);
        expect(ev.model.plain.find((p) => p.variable === variable)?.consumers.sort()).toEqual(
          [...expected].sort(),
        );
      }
    },
  );

  it("gives CI its own OpenAI key, marked for tests only", () => {
    const ci = evaluations[stack].resources.find(
      (r) => r.type === "gcp:secretmanager/secret:Secret" && r.name === "openai-api-key-ci",
    );
    expect((ci?.inputs.annotations as Record<string, string>)["pegasus.dev/usage"]).toBe(
      "ci:tests-only",
    );
  });

  it("keeps separate API and worker values where the guide says 'where possible'", () => {
    const ids = (variable: string) =>
      evaluations[stack].model.secrets.filter((s) => s.variable === variable).map((s) => s.scope);
    expect(ids("OPENAI_API_KEY")).toEqual(["api", "worker", "ci"]);
    expect(ids("DATABASE_URL")).toEqual(["api", "worker", "ci"]);
    expect(ids("AWS_SECRET_ACCESS_KEY")).toEqual(["api", "worker"]);
    // One Redis AUTH string per instance: separation is not possible, so one shared value.
    expect(ids("REDIS_URL")).toEqual(["shared"]);
  });

  it("gives each consumer its own pair of Cloud SQL users for DATABASE_URL (D1a, D2)", () => {
    const users = evaluations[stack].resources.filter((r) => r.type === "gcp:sql/user:User");
    expect(users.map((u) => u.inputs.name).sort()).toEqual([
      `${stack}_api_a`,
      `${stack}_api_b`,
      `${stack}_ci_a`,
      `${stack}_ci_b`,
      `${stack}_worker_a`,
      `${stack}_worker_b`,
    ]);
    for (const u of users) expect(u.inputs.password).toBe("[secret]");
  });
});

it("keeps PLC_STORAGE_DIR environment-specific", () => {
  const dir = (stack: string) =>
    evaluations[stack].model.plain.find((p) => p.variable === "PLC_STORAGE_DIR")?.value;
  expect(dir("staging")).toBeTruthy();
  expect(dir("staging")).not.toBe(dir("production"));
});
