// Who may read which secret, and how: one authoritative accessor binding per secret, members that
// are runtime identities of consumers the matrix allows, platform deliveries that follow the
// matrix, and the one human exception, a time-boxed break-glass grant recorded in config.
import { checkStack, RuleResource, UNKNOWN } from "../../policy/rules";
import {
  API_EMAIL,
  binding,
  CI_EMAIL,
  compliantStack,
  context,
  GCP_PROJECT,
  secret,
  version,
  WORKER_EMAIL,
} from "./fixtures";

const SA = (email: string) => `serviceAccount:${email}`;
const run = (rs: RuleResource[], ctx = context()) => checkStack(rs, ctx);
const found = (policy: string, rs: RuleResource[], ctx = context()) =>
  run(rs, ctx)
    .filter((v) => v.policy === policy)
    .map((v) => [v.resource, v.message]);
const withResource = (...rs: RuleResource[]): RuleResource[] => [
  ...compliantStack().filter((x) => !rs.some((r) => r.name === x.name && r.type === x.type)),
  ...rs,
];
const SIGNING_ROW =
  "| `JWT_SECRET` / signing keys | ✅ | ❌ | ❌ | ❌ | rotate with overlap window |";

describe("one-accessor-binding-per-secret", () => {
  const P = "one-accessor-binding-per-secret";
  const member = (role: string, m = SA(API_EMAIL)): RuleResource => ({
    type: "gcp:secretmanager/secretIamMember:SecretIamMember",
    name: "jwt-secret-extra",
    inputs: { secretId: "staging-jwt-secret", role, member: m },
  });
  test("a second IAM resource on a secret fails, whatever its role: a member, a policy, a second binding", () => {
    expect(found(P, [...compliantStack(), member("roles/secretmanager.secretAccessor")])).toEqual([
      [
        "jwt-secret-extra",
        "jwt-secret-extra is a SecretIamMember on secret staging-jwt-secret: it adds access that the secret's binding does not show. A secret's only IAM resource is the stack's authoritative accessor binding: grant through the catalog's consumers.",
      ],
    ]);
    const policy: RuleResource = {
      type: "gcp:secretmanager/secretIamPolicy:SecretIamPolicy",
      name: "jwt-secret-policy",
      inputs: { secretId: "staging-jwt-secret", policyData: "{}" },
    };
    expect(found(P, [...compliantStack(), policy])[0][1]).toContain(
      "it replaces the secret's whole IAM policy",
    );
    const second = { ...binding("jwt-secret", [SA(API_EMAIL)]), name: "jwt-secret-more" };
    expect(found(P, [...compliantStack(), second])).toEqual([
      [
        "jwt-secret-more",
        "jwt-secret-more is a second binding on secret staging-jwt-secret (besides jwt-secret-accessors); the stack declares exactly one authoritative accessor binding per secret. Remove it.",
      ],
    ]);
  });
  test("a role other than secretAccessor on the binding itself fails", () => {
    const admin = binding("jwt-secret", [SA(API_EMAIL)], { role: "roles/secretmanager.admin" });
    expect(found(P, withResource(admin))).toEqual([
      [
        "jwt-secret-accessors",
        "jwt-secret-accessors grants roles/secretmanager.admin on secret staging-jwt-secret; the only role on a secret is roles/secretmanager.secretAccessor, to the runtime identities of its consumers (any wider role can read, change or delete the secret and its IAM).",
      ],
    ]);
  });
  test("the compliant stack, and a secret ID not known yet at preview, pass", () => {
    expect(found(P, compliantStack())).toEqual([]);
    expect(
      found(P, withResource(binding("jwt-secret", [SA(API_EMAIL)], { secretId: UNKNOWN }))),
    ).toEqual([]);
  });
});

describe("ownership-matrix: grants, secrets and deliveries", () => {
  const P = "ownership-matrix";
  test("a grant of JWT_SECRET to the worker (or CI) names the guide row and both files", () => {
    const [[resource, message]] = found(
      P,
      withResource(binding("jwt-secret", [SA(API_EMAIL), SA(WORKER_EMAIL)])),
    );
    expect(resource).toBe("jwt-secret-accessors");
    expect(message).toBe(
      `jwt-secret-accessors lets worker (${SA(WORKER_EMAIL)}) read JWT_SECRET, but policy/matrix.ts (the guide's ownership matrix) forbids JWT_SECRET for worker (guide: "${SIGNING_ROW}"; allowed: api). Remove worker from JWT_SECRET's consumers in catalog/index.ts; the matrix changes only through a reviewed change to the rules (policy/matrix.ts).`,
    );
    expect(found(P, withResource(binding("jwt-secret", [SA(CI_EMAIL)])))[0][1]).toContain(
      "forbids JWT_SECRET for ci",
    );
  });
  test("a consumer reading another consumer's own value fails (separate keys)", () => {
    const r = binding("openai-api-key-ci", [SA(WORKER_EMAIL)]);
    expect(found(P, withResource(r))[0][1]).toContain(
      "lets worker (serviceAccount:staging-worker@pegasus-staging.iam.gserviceaccount.com) read the ci's own value of OPENAI_API_KEY (staging-openai-api-key-ci)",
    );
  });
  test("a secret that holds no variable of the matrix, or a consumer's value the matrix forbids, fails", () => {
    expect(found(P, [...compliantStack(), secret("stripe-key"), version("stripe-key")])[0][1]).toBe(
      "secret staging-stripe-key (stripe-key) holds a value, which is no variable of policy/matrix.ts (the guide's ownership matrix). Add a row to the matrix first, quoting the guide (a change to the rules, reviewed by an owner), or remove it from catalog/index.ts.",
    );
    expect(found(P, [...compliantStack(), secret("jwt-secret-worker")])[0][1]).toContain(
      "jwt-secret-worker holds the worker's value of JWT_SECRET, but policy/matrix.ts (the guide's ownership matrix) forbids JWT_SECRET for worker",
    );
  });

  const config = {
    "pegasus-secrets:targets": JSON.stringify({
      render: { ownerId: "tea-x", services: { api: ["srv-api"], worker: ["srv-worker"] } },
      fly: { apps: { api: "pegasus-staging-api", worker: "pegasus-staging-worker" } },
    }),
  };
  const render = (consumer: string, inputs: Record<string, unknown>): RuleResource => ({
    type: "pulumi-nodejs:dynamic/pegasus:RenderEnvGroup",
    name: `render-${consumer}`,
    inputs: {
      ownerId: "tea-x",
      name: `pegasus-staging-${consumer}`,
      serviceIds: [`srv-${consumer}`],
      ...inputs,
    },
  });
  const ctx = context({}, config);
  test("deliveries: a forbidden secret, a secret as a plain variable, an unknown destination; the consumer comes from the targets, not the name", () => {
    expect(
      found(
        P,
        [...compliantStack(), render("worker", { secrets: { JWT_SECRET: "[secret]" } })],
        ctx,
      )[0][1],
    ).toContain(
      `render-worker delivers JWT_SECRET to worker, but policy/matrix.ts (the guide's ownership matrix) forbids JWT_SECRET for worker (guide: "${SIGNING_ROW}"`,
    );
    expect(
      found(
        P,
        [...compliantStack(), render("api", { vars: { WEBHOOK_SHARED_SECRET: "v" } })],
        ctx,
      )[0][1],
    ).toContain(
      "render-api delivers the secret WEBHOOK_SHARED_SECRET as a plain variable (`vars`)",
    );
    const disguised = {
      ...render("worker", { secrets: { JWT_SECRET: "[secret]" } }),
      name: "render-api",
    };
    expect(found(P, [...compliantStack(), disguised], ctx)[0][1]).toContain(
      "delivers JWT_SECRET to worker",
    );
    const nowhere: RuleResource = {
      type: "pulumi-nodejs:dynamic/pegasus:FlyAppSecrets",
      name: "fly-x",
      inputs: { app: "elsewhere", secrets: { JWT_SECRET: "[secret]" } },
    };
    expect(found(P, [...compliantStack(), nowhere], ctx)[0][1]).toContain(
      "its destination is none of the stack's `targets`",
    );
    expect(
      found(
        P,
        [
          ...compliantStack(),
          render("api", {
            secrets: { JWT_SECRET: "[secret]", JWT_SECRET_PREVIOUS: "[secret]" },
            vars: { PUBLIC_API_URL: "https://x" },
          }),
        ],
        ctx,
      ),
    ).toEqual([]);
  });
});

describe("break-glass: the one human member allowed", () => {
  const member = "user:oncall@example.com";
  const grantedAt = "2026-11-30T08:00:00Z";
  const expiresAt = "2026-11-30T20:00:00Z";
  const recorded = (g: Record<string, unknown> = {}) => ({
    "pegasus-secrets:emergencyAccess": JSON.stringify([
      {
        variable: "JWT_SECRET",
        member,
        incident: "INC-7",
        operator: "bob",
        grantedAt,
        expiresAt,
        ...g,
      },
    ]),
  });
  const grant = (inputs: Record<string, unknown> = {}, members = [member]): RuleResource => ({
    ...binding("jwt-secret", members, {
      condition: {
        title: "break-glass INC-7",
        description: "x",
        expression: `request.time < timestamp("${expiresAt}")`,
      },
      ...inputs,
    }),
    name: "jwt-secret-emergency-1",
  });
  const judged = (r: RuleResource, cfg = recorded()) =>
    run([...compliantStack(), r], context({}, cfg)).map((v) => [v.policy, v.message]);

  test("a grant recorded in config, titled for its incident, ending within 24 h of its recorded time passes", () => {
    expect(judged(grant())).toEqual([]);
  });
  test.each([
    [
      "not recorded in config",
      grant(),
      recorded({ incident: "INC-8" }),
      "no grant of JWT_SECRET to user:oncall@example.com for incident INC-7 is recorded",
    ],
    [
      "longer than 24 h after its recorded time",
      grant({
        condition: {
          title: "break-glass INC-7",
          expression: 'request.time < timestamp("2026-12-01T09:00:00Z")',
        },
      }),
      recorded({ expiresAt: "2026-12-01T09:00:00Z" }),
      "which is not within 24 h after its recorded time",
    ],
    [
      "untitled",
      grant({
        condition: { title: "temporary", expression: `request.time < timestamp("${expiresAt}")` },
      }),
      recorded(),
      'its condition title is not "break-glass <incident>"',
    ],
    [
      "not time-boxed",
      grant({ condition: { title: "break-glass INC-7", expression: "true" } }),
      recorded(),
      'its condition is not `request.time < timestamp("<expiry>")`',
    ],
    [
      "a group",
      grant({}, ["group:oncall@example.com"]),
      recorded(),
      "a break-glass grant has exactly one `user:` member",
    ],
    [
      "wider than read",
      grant({ role: "roles/secretmanager.admin" }),
      recorded(),
      "a break-glass grant reads only",
    ],
  ])("%s: refused, and the person stays a violation", (_, r, cfg, why) => {
    const vs = judged(r, cfg);
    expect(vs.map((v) => v[0]).sort()).toEqual([
      "no-human-or-public-members",
      "one-accessor-binding-per-secret",
    ]);
    expect(vs.every(([, m]) => String(m).includes(why))).toBe(true);
  });
  test("a person without any condition is a plain violation", () => {
    expect(judged({ ...binding("jwt-secret", [member]), name: "x" }).map((v) => v[0])).toContain(
      "no-human-or-public-members",
    );
  });
  test("at project level, a secret role to anyone is refused (no-project-level-secret-access)", () => {
    const project: RuleResource = {
      type: "gcp:projects/iAMMember:IAMMember",
      name: "p",
      inputs: { project: GCP_PROJECT, role: "roles/secretmanager.secretAccessor", member },
    };
    expect(run([...compliantStack(), project]).map((v) => v.policy)).toEqual([
      "no-project-level-secret-access",
      "no-human-or-public-members",
    ]);
  });
});
