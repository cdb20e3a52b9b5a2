// The policy core (policy/rules.ts), one block per policy: a compliant case, a violating case and a
// missing-property case. The same functions run in the @pulumi/policy pack (policyPack.spec.ts runs
// them through the real policy host) and in the offline `policy-check`.
import * as fs from "node:fs";
import * as path from "node:path";
import {
  checkStack,
  contextFromConfig,
  POLICIES,
  RuleResource,
  UNKNOWN,
  Violation,
} from "../../policy/rules";
import {
  account,
  API_EMAIL,
  auditConfig,
  binding,
  CI_EMAIL,
  compliantStack,
  context,
  GCP_PROJECT,
  POLICY_NAMES,
  randomPassword,
  secret,
  version,
} from "./fixtures";

const run = (resources: RuleResource[], ctx = context()) => checkStack(resources, ctx);
const of = (policy: string, vs: Violation[]) => vs.filter((v) => v.policy === policy);
const messages = (policy: string, vs: Violation[]) => of(policy, vs).map((v) => v.message);
/** The compliant stack with one resource replaced (by name) or added. */
const withResource = (r: RuleResource): RuleResource[] => {
  const rs = compliantStack().filter((x) => !(x.name === r.name && x.type === r.type));
  return [...rs, r];
};

test("the compliant stack passes every policy, in staging and in production", () => {
  expect(run(compliantStack())).toEqual([]);
  const production = compliantStack().map((r) =>
    r.type.endsWith(":Secret")
      ? { ...r, inputs: { ...r.inputs, deletionProtection: true }, protect: true }
      : r,
  );
  expect(run(production, context({ stack: "production" }))).toEqual([]);
});

test("the pack has the policies of the guide and DESIGN.md, all mandatory, each naming the guide line it enforces", () => {
  expect(POLICIES.map((p) => [p.name, p.enforcementLevel])).toEqual(
    POLICY_NAMES.map((n) => [n, "mandatory"]),
  );
  const guide = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "guide.md"), "utf8");
  for (const p of POLICIES) {
    if (!p.guide.startsWith("DESIGN.md"))
      expect([p.name, guide.includes(p.guide)]).toEqual([p.name, true]);
  }
});

describe("accessor-members-are-runtime-identities", () => {
  const P = "accessor-members-are-runtime-identities";
  test("a grant to a service account that is not a runtime identity of the stack fails", () => {
    const stranger = `serviceAccount:intruder@${GCP_PROJECT}.iam.gserviceaccount.com`;
    const vs = run(withResource(binding("jwt-secret", [`serviceAccount:${API_EMAIL}`, stranger])));
    expect(of(P, vs)).toEqual([
      {
        policy: P,
        enforcementLevel: "mandatory",
        resource: "jwt-secret-accessors",
        type: "gcp:secretmanager/secretIamBinding:SecretIamBinding",
        urn: undefined,
        guide: "- Restrict secret accessor roles to deploy/runtime identities only.",
        message: `jwt-secret-accessors grants roles/secretmanager.secretAccessor to ${stranger}, which is not a runtime identity of stack "staging" (its identities: api ${API_EMAIL}, worker staging-worker@${GCP_PROJECT}.iam.gserviceaccount.com, ci ${CI_EMAIL}). Grant secrets only through the catalog's consumers.`,
      },
    ]);
  });
  test("identities come from the stack config: a referenced one counts only when the config names it", () => {
    const noCi = JSON.stringify({
      api: { accountId: "staging-api" },
      worker: { accountId: "staging-worker" },
    });
    expect(
      messages(P, run(compliantStack(), context({}, { "pegasus-secrets:identities": noCi }))),
    ).toHaveLength(1);
  });
  test("whatever the role: an admin grant to a stranger is reported too", () => {
    const stranger = `serviceAccount:intruder@${GCP_PROJECT}.iam.gserviceaccount.com`;
    const r = binding("jwt-secret", [stranger], { role: "roles/secretmanager.admin" });
    expect(messages(P, run([...compliantStack(), { ...r, name: "extra" }]))).toHaveLength(1);
  });
  test("a SecretIamMember with no member at all, or an unknown member at preview, is not a grant to judge", () => {
    const member: RuleResource = {
      type: "gcp:secretmanager/secretIamMember:SecretIamMember",
      name: "jwt-secret-extra",
      inputs: { secretId: "staging-jwt-secret", role: "roles/secretmanager.secretAccessor" },
    };
    expect(messages(P, run(withResource(member)))).toEqual([]);
    expect(messages(P, run(withResource(binding("jwt-secret", [UNKNOWN]))))).toEqual([]);
    expect(messages(P, run(withResource(binding("jwt-secret", UNKNOWN))))).toEqual([]);
  });
  test("the identity email of a created account comes from accountId and project when email is unknown", () => {
    const api = {
      ...account("staging-api"),
      inputs: { ...account("staging-api").inputs, email: UNKNOWN },
    };
    expect(messages(P, run(withResource(api)))).toEqual([]);
  });
});

describe("no-project-level-secret-access", () => {
  const P = "no-project-level-secret-access";
  const projectMember = (inputs: Record<string, unknown>): RuleResource => ({
    type: "gcp:projects/iAMMember:IAMMember",
    name: "ci-all-secrets",
    inputs: { project: GCP_PROJECT, ...inputs },
  });
  test("a project-level accessor grant fails, even to a runtime identity", () => {
    const vs = run([
      ...compliantStack(),
      projectMember({
        role: "roles/secretmanager.secretAccessor",
        member: `serviceAccount:${API_EMAIL}`,
      }),
    ]);
    expect(messages(P, vs)).toEqual([
      "ci-all-secrets grants roles/secretmanager.secretAccessor at project level, so its members could read every secret there. Grant roles/secretmanager.secretAccessor on each secret (ManagedSecret `accessors`) instead.",
    ]);
  });
  test("an organization IAM policy whose policyData holds secretmanager.admin fails", () => {
    const policy: RuleResource = {
      type: "gcp:organizations/iAMPolicy:IAMPolicy",
      name: "org-policy",
      inputs: {
        orgId: "123",
        policyData: JSON.stringify({
          bindings: [
            { role: "roles/secretmanager.admin", members: [`serviceAccount:${API_EMAIL}`] },
          ],
        }),
      },
    };
    expect(messages(P, run([...compliantStack(), policy]))).toEqual([
      "org-policy grants roles/secretmanager.admin at organization level, so its members could read every secret there. Grant roles/secretmanager.secretAccessor on each secret (ManagedSecret `accessors`) instead.",
    ]);
  });
  test("other project roles pass, and a grant without a role is not an accessor grant", () => {
    expect(
      messages(
        P,
        run([
          ...compliantStack(),
          projectMember({ role: "roles/logging.viewer", member: `serviceAccount:${API_EMAIL}` }),
        ]),
      ),
    ).toEqual([]);
    expect(
      messages(
        P,
        run([...compliantStack(), projectMember({ member: `serviceAccount:${API_EMAIL}` })]),
      ),
    ).toEqual([]);
  });
});

describe("no-human-or-public-members", () => {
  const P = "no-human-or-public-members";
  test.each([
    "user:alice@example.com",
    "group:platform@example.com",
    "domain:example.com",
    "allUsers",
    "allAuthenticatedUsers",
  ])("%s as a member fails", (member) => {
    expect(
      messages(
        P,
        run(withResource(binding("jwt-secret", [`serviceAccount:${API_EMAIL}`, member]))),
      ),
    ).toEqual([
      `jwt-secret-accessors grants roles/secretmanager.secretAccessor to ${member}. Only service accounts (runtime identities) may be members; people use break-glass access (npx pegasus-secrets grant-access), which is time-boxed.`,
    ]);
  });
  test("applies to every IAM resource, not only to secrets (a topic publisher, say)", () => {
    const topic: RuleResource = {
      type: "gcp:pubsub/topicIAMMember:TopicIAMMember",
      name: "secret-rotation-publisher",
      inputs: { role: "roles/pubsub.publisher", member: "allUsers" },
    };
    expect(messages(P, run([...compliantStack(), topic]))).toHaveLength(1);
  });
  test("a binding without members has nobody to reject", () => {
    expect(messages(P, run(withResource(binding("jwt-secret", undefined))))).toEqual([]);
  });
});

describe("secret-access-audit-logging", () => {
  const P = "secret-access-audit-logging";
  test("an audit config without DATA_READ fails and says why it matters", () => {
    const vs = run(
      withResource(
        auditConfig({ auditLogConfigs: [{ logType: "ADMIN_READ" }, { logType: "DATA_WRITE" }] }),
      ),
    );
    expect(messages(P, vs)).toEqual([
      "secret-audit does not log DATA_READ for secretmanager.googleapis.com (without DATA_READ, reading a secret value leaves no record). Add the missing log types (SecretAuditLogging).",
    ]);
  });
  test("exempted members fail", () => {
    const cfg = auditConfig({
      auditLogConfigs: [
        { logType: "ADMIN_READ" },
        { logType: "DATA_READ", exemptedMembers: [`serviceAccount:${API_EMAIL}`] },
        { logType: "DATA_WRITE" },
      ],
    });
    expect(messages(P, run(withResource(cfg)))).toEqual([
      "secret-audit exempts 1 member(s) from DATA_READ logging; their secret reads would go unrecorded. Remove `exemptedMembers`.",
    ]);
  });
  test("a stack with secrets and no audit config fails, unless another stack owns it", () => {
    const without = compliantStack().filter((r) => r.name !== "secret-audit");
    expect(messages(P, run(without))).toEqual([
      'Stack "staging" declares secrets but no Data Access audit config for secretmanager.googleapis.com, so secret reads are not logged. Keep SecretAuditLogging in the stack, or set `manageAuditConfig: false` only if another stack of the same GCP project declares it.',
    ]);
    expect(messages(P, run(without, context({ managesAuditConfig: false })))).toEqual([]);
  });
  test("an audit config with no auditLogConfigs property fails", () => {
    const cfg = auditConfig();
    delete cfg.inputs.auditLogConfigs;
    expect(messages(P, run(withResource(cfg)))).toEqual([
      "secret-audit has no `auditLogConfigs`: Data Access logs for secretmanager.googleapis.com are off. Declare DATA_READ, DATA_WRITE and ADMIN_READ (SecretAuditLogging).",
    ]);
  });
});

describe("generated-values-from-random-password", () => {
  const P = "generated-values-from-random-password";
  test("RandomPassword passes; RandomString and RandomId fail", () => {
    expect(messages(P, run([...compliantStack(), randomPassword("other")]))).toEqual([]);
    const rs: RuleResource[] = [
      { type: "random:index/randomString:RandomString", name: "token", inputs: { length: 32 } },
      { type: "random:index/randomId:RandomId", name: "suffix", inputs: { byteLength: 8 } },
    ];
    expect(messages(P, run([...compliantStack(), ...rs]))).toEqual([
      "token is a RandomString, whose result is stored in plain text in the state. Use random.RandomPassword (GeneratedSecret) for any generated value.",
      "suffix is a RandomId, whose result is stored in plain text in the state. Use random.RandomPassword (GeneratedSecret) for any generated value.",
    ]);
  });
  test("judged by type alone: a RandomPassword with no inputs passes, a RandomUuid with none fails", () => {
    const bare = (type: string): RuleResource => ({ type, name: "bare", inputs: {} });
    expect(
      messages(P, run([...compliantStack(), bare("random:index/randomPassword:RandomPassword")])),
    ).toEqual([]);
    expect(
      messages(P, run([...compliantStack(), bare("random:index/randomUuid:RandomUuid")])),
    ).toEqual([
      "bare is a RandomUuid, whose result is stored in plain text in the state. Use random.RandomPassword (GeneratedSecret) for any generated value.",
    ]);
  });
});

describe("secret-versions-never-deleted", () => {
  const P = "secret-versions-never-deleted";
  test("deletionPolicy DELETE or ABANDON fails", () => {
    expect(
      messages(P, run(withResource(version("jwt-secret", { deletionPolicy: "DELETE" })))),
    ).toEqual([
      'jwt-secret-version-ac1b5c09 has `deletionPolicy: "DELETE"`; the old value must be disabled, not deleted or abandoned. Set `deletionPolicy: "DISABLE"`.',
    ]);
    expect(
      messages(P, run(withResource(version("jwt-secret", { deletionPolicy: "ABANDON" })))),
    ).toHaveLength(1);
  });
  test("a missing deletionPolicy fails: the provider default deletes", () => {
    const v = version("jwt-secret");
    delete v.inputs.deletionPolicy;
    expect(messages(P, run(withResource(v)))).toEqual([
      'jwt-secret-version-ac1b5c09 has no `deletionPolicy`, so the provider default (DELETE) destroys the old value on replacement. Set `deletionPolicy: "DISABLE"`.',
    ]);
  });
  test("a secret without delayed destruction fails", () => {
    const s = secret("jwt-secret");
    delete s.inputs.versionDestroyTtl;
    expect(messages(P, run(withResource(s)))).toEqual([
      "jwt-secret has no `versionDestroyTtl`, so a destroyed version is gone at once. Set a delayed destruction (`versionDestroyTtlDays` in stack config).",
    ]);
    expect(
      messages(P, run(withResource(secret("jwt-secret", { versionDestroyTtl: "0s" })))),
    ).toHaveLength(1);
  });
  test("an unknown deletionPolicy at preview is not judged", () => {
    expect(
      messages(P, run(withResource(version("jwt-secret", { deletionPolicy: UNKNOWN })))),
    ).toEqual([]);
  });
});

describe("production-secrets-protected", () => {
  const P = "production-secrets-protected";
  const prod = context({ stack: "production" });
  test("a production secret without deletion protection fails; staging does not care", () => {
    const s = { ...secret("jwt-secret", { deletionProtection: false }), protect: true };
    expect(messages(P, run([s], prod))).toEqual([
      "jwt-secret is a production secret without `deletionProtection: true`. Production secrets are protected from deletion: remove any `deletionProtection: false` from Pulumi.production.yaml.",
    ]);
    expect(messages(P, run(withResource(s)))).toEqual([]);
  });
  test("a missing deletionProtection fails, and so does a missing protect option when the caller knows it", () => {
    const s = { ...secret("jwt-secret"), protect: false };
    delete s.inputs.deletionProtection;
    expect(messages(P, run([s], prod))).toEqual([
      "jwt-secret is a production secret without `deletionProtection: true` (not set). Production secrets are protected from deletion: remove any `deletionProtection: false` from Pulumi.production.yaml.",
      "jwt-secret is a production secret without the `protect` resource option. ManagedSecret sets it from `deletionProtection`.",
    ]);
  });
  test("when `protect` is not known (an older plan), only the input is judged", () => {
    const s = secret("jwt-secret", { deletionProtection: true });
    expect(s.protect).toBeUndefined();
    expect(messages(P, run([s], prod))).toEqual([]);
  });
});

describe("rotation-at-most-90-days", () => {
  const P = "rotation-at-most-90-days";
  test("90 days passes, 91 days fails", () => {
    expect(
      messages(
        P,
        run(withResource(secret("jwt-secret", { rotation: { rotationPeriod: `${90 * 86400}s` } }))),
      ),
    ).toEqual([]);
    expect(
      messages(
        P,
        run(withResource(secret("jwt-secret", { rotation: { rotationPeriod: `${91 * 86400}s` } }))),
      ),
    ).toEqual([
      "jwt-secret rotates every 91 days; the guide allows at most 90. Lower the catalog's `rotationDays`.",
    ]);
  });
  test("a secret with no rotation fails", () => {
    const s = secret("jwt-secret");
    delete s.inputs.rotation;
    expect(messages(P, run(withResource(s)))).toEqual([
      'jwt-secret has no rotation period. Set `rotation.rotationPeriod` to at most "7776000s" (the catalog\'s `rotationDays`, at most 90).',
    ]);
  });
  test("a rotation without a topic to notify fails; a malformed period fails", () => {
    expect(messages(P, run(withResource(secret("jwt-secret", { topics: [] }))))).toEqual([
      "jwt-secret has a rotation period but no `topics`: nobody is told when rotation is due. Add the rotation topic.",
    ]);
    expect(
      messages(P, run(withResource(secret("jwt-secret", { rotation: { rotationPeriod: "90d" } })))),
    ).toEqual([
      'jwt-secret has rotation period "90d", which is not a duration such as "7776000s".',
    ]);
  });
});

describe("nothing-secret-to-mobile", () => {
  const P = "nothing-secret-to-mobile";
  test("a secret labelled for mobile fails", () => {
    const s = secret("jwt-secret", {
      labels: { "consumer-api": "true", "consumer-mobile": "true" },
    });
    expect(messages(P, run(withResource(s)))).toEqual([
      "jwt-secret is labelled for consumer mobile. Secrets never go to mobile: remove `mobile` from the catalog entry's consumers.",
    ]);
  });
  test("a platform delivery resource that routes a secret to mobile fails; plain config to mobile passes", () => {
    // The shape of the platform components' dynamic resources (components/platforms/).
    const delivery = (inputs: Record<string, unknown>): RuleResource => ({
      type: "pulumi-nodejs:dynamic/pegasus:RenderEnvGroup",
      name: "render-mobile",
      inputs: {
        ownerId: "tea-example",
        name: "pegasus-staging-mobile",
        serviceIds: ["srv-example"],
        ...inputs,
      },
    });
    expect(
      messages(
        P,
        run([
          ...compliantStack(),
          delivery({
            vars: { PUBLIC_API_URL: "https://api.example" },
            secrets: { JWT_SECRET: "[secret]" },
          }),
        ]),
      ),
    ).toEqual([
      "render-mobile delivers JWT_SECRET to mobile. Secrets never go to mobile: remove `mobile` from the catalog entry's consumers.",
    ]);
    expect(
      messages(
        P,
        run([
          ...compliantStack(),
          delivery({ vars: { PUBLIC_API_URL: "https://api.example" }, secrets: {} }),
        ]),
      ),
    ).toEqual([]);
    const fly: RuleResource = {
      type: "pulumi-nodejs:dynamic/pegasus:FlyAppSecrets",
      name: "fly-api",
      inputs: { app: "pegasus-mobile-bff", secrets: { OPENAI_API_KEY: "[secret]" } },
    };
    expect(messages(P, run([...compliantStack(), fly]))).toEqual([
      "fly-api delivers OPENAI_API_KEY to mobile. Secrets never go to mobile: remove `mobile` from the catalog entry's consumers.",
    ]);
    const api: RuleResource = {
      type: "pulumi-nodejs:dynamic/pegasus:RenderEnvGroup",
      name: "render-api",
      inputs: { name: "pegasus-staging-api", secrets: { JWT_SECRET: "[secret]" } },
    };
    expect(messages(P, run([...compliantStack(), api]))).toEqual([]);
  });
  test("offline delivery rows of secrets to mobile fail; plain config to mobile and secrets to api pass", () => {
    const ctx = context({
      deliveries: [
        {
          variable: "OPENAI_API_KEY",
          consumer: "mobile",
          target: "render",
          destination: "env group pegasus-mobile",
        },
        { variable: "JWT_SECRET_PREVIOUS", consumer: "mobile", target: "fly", kind: "secret" },
        { variable: "PUBLIC_API_URL", consumer: "mobile", target: "render", kind: "plain" },
        { variable: "OPENAI_API_KEY", consumer: "api", target: "render", kind: "secret" },
      ],
    });
    expect(messages(P, run(compliantStack(), ctx))).toEqual([
      "OPENAI_API_KEY is delivered to mobile on render (env group pegasus-mobile). Secrets never go to mobile.",
      "JWT_SECRET_PREVIOUS is delivered to mobile on fly. Secrets never go to mobile.",
    ]);
  });
  test("a secret without labels or annotations is not taken for a mobile one", () => {
    const s = secret("jwt-secret");
    delete s.inputs.labels;
    delete s.inputs.annotations;
    expect(messages(P, run(withResource(s)))).toEqual([]);
  });
});

test("the pack's context comes from the stack config the engine passes: identities, audit ownership, project", () => {
  const ctx = contextFromConfig("staging", {
    "gcp:project": GCP_PROJECT,
    "pegasus-secrets:identities": JSON.stringify({
      api: { accountId: "staging-api" },
      ci: { email: CI_EMAIL },
    }),
    "pegasus-secrets:manageAuditConfig": "false",
  });
  expect(ctx.managesAuditConfig).toBe(false);
  expect(ctx.facts.gcpProject).toBe(GCP_PROJECT);
  expect(ctx.facts.identities).toEqual([
    { consumer: "api", email: API_EMAIL, mode: "create" },
    { consumer: "ci", email: CI_EMAIL, mode: "reference" },
  ]);
  // Without identities config, the program's defaults: <prefix>-<consumer> for api, worker and ci.
  const defaults = contextFromConfig("production", { "gcp:project": "pegasus-production" });
  expect(defaults.managesAuditConfig).toBe(true);
  expect(defaults.facts.identities.map((i) => i.email)).toEqual(
    ["api", "worker", "ci"].map(
      (c) => `production-${c}@pegasus-production.iam.gserviceaccount.com`,
    ),
  );
});
