// The policy pack in policy/ run through the SDK's real policy-pack host
// (`@pulumi/pulumi/cmd/run-policy-pack`, ts-node with type checking, the @pulumi/policy analyzer
// server) exactly as `pulumi preview --policy-pack policy` starts it, and asked over the Analyzer
// protocol about compliant and violating resources. What this does not prove: the Pulumi CLI's own
// engine (none here), so the resource properties are what this test sends, shaped as the engine's.
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { secret as wireSecret, UNKNOWN } from "@pegasus-secrets/test-engine";
import { AnalyzedResource, PolicyHost, startPolicyHost } from "@pegasus-secrets/test-engine";
import { planJson, readStackConfig } from "../../cli/plan";
import { checkStack, contextFromConfig, RuleResource } from "../../policy/rules";
import { fixtureProject } from "../fixtures";
import { planStack } from "../helpers";
import {
  API_EMAIL,
  compliantStack,
  GCP_PROJECT,
  POLICY_NAMES,
  secret,
  STACK_CONFIG,
  version,
} from "./fixtures";

const PACK = path.resolve(__dirname, "..", "..", "policy");

const asAnalyzed = (r: RuleResource, extra: Partial<AnalyzedResource> = {}): AnalyzedResource => ({
  type: r.type,
  name: r.name,
  properties: r.inputs,
  ...extra,
});

// The in-process plan starts the SDK's callbacks server when the program registers resource hooks;
// closing the runtime afterwards lets the Jest worker exit cleanly.
afterAll(() => {
  (require("@pulumi/pulumi/runtime/settings") as { disconnectSync(): void }).disconnectSync();
});

let host: PolicyHost;
const payload = randomBytes(24).toString("hex");
const fixture = fixtureProject();
// The staging fixture stack's own config, as the engine would pass it to the pack.
const stagingConfig = readStackConfig(fixture.dir, "staging").values;

beforeAll(async () => {
  host = await startPolicyHost({
    packDir: PACK,
    stack: "production",
    project: "pegasus-secrets",
    // The engine passes the stack config to the pack: the CI identity is referenced by email.
    stackConfig: { ...stagingConfig, ...STACK_CONFIG },
    startTimeoutMs: 45_000,
  });
}, 60_000);

afterAll(async () => {
  await host?.stop();
  fixture.cleanup();
});

test("the pack describes its policies, each resource or stack as the rules define them", async () => {
  const info = await host.info();
  expect(info.name).toBe("pegasus-secrets");
  expect(info.version).toBe("0.1.0");
  expect(info.policies.map((p) => [p.name, p.enforcementLevel])).toEqual(
    POLICY_NAMES.map((n) => [n, "mandatory"]),
  );
});

test("Analyze: a compliant production secret passes; a deleted-on-replace version, a public member and an unprotected secret fail", async () => {
  const compliant = [
    asAnalyzed(secret("jwt-secret", { deletionProtection: true }), { options: { protect: true } }),
    // The payload travels as a wire secret; the pack sees it in plain text and must never print it.
    asAnalyzed(version("jwt-secret", { secretData: wireSecret(payload) })),
  ];
  expect(await host.analyze(compliant)).toEqual([]);

  const diags = await host.analyze([
    asAnalyzed(
      version("jwt-secret", { secretData: wireSecret(payload), deletionPolicy: "DELETE" }),
    ),
    asAnalyzed(secret("jwt-secret", { deletionProtection: false })),
    {
      type: "gcp:secretmanager/secretIamMember:SecretIamMember",
      name: "jwt-secret-reader",
      properties: {
        secretId: "production-jwt-secret",
        role: "roles/secretmanager.secretAccessor",
        member: "allUsers",
      },
    },
  ]);
  expect(diags.map((d) => [d.policyName, d.enforcementLevel, d.urn])).toEqual([
    [
      "secret-versions-never-deleted",
      "mandatory",
      "urn:pulumi:production::pegasus-secrets::gcp:secretmanager/secretVersion:SecretVersion::jwt-secret-version-ac1b5c09",
    ],
    [
      "production-secrets-protected",
      "mandatory",
      "urn:pulumi:production::pegasus-secrets::gcp:secretmanager/secret:Secret::jwt-secret",
    ],
    [
      "production-secrets-protected",
      "mandatory",
      "urn:pulumi:production::pegasus-secrets::gcp:secretmanager/secret:Secret::jwt-secret",
    ],
    [
      "no-human-or-public-members",
      "mandatory",
      "urn:pulumi:production::pegasus-secrets::gcp:secretmanager/secretIamMember:SecretIamMember::jwt-secret-reader",
    ],
  ]);
  expect(diags[0].message).toContain('has `deletionPolicy: "DELETE"`');
  expect(diags[2].message).toContain("without the `protect` resource option");
  expect(JSON.stringify(diags)).not.toContain(payload);
});

test("Analyze at preview: a value not known yet is not a violation", async () => {
  const s = secret("jwt-secret", { deletionProtection: UNKNOWN, rotation: UNKNOWN });
  expect(await host.analyze([asAnalyzed(s, { options: { protect: true } })])).toEqual([]);
});

test("AnalyzeStack: grants only to the stack's identities (created or referenced in config), audit logging present", async () => {
  const prod = compliantStack().map((r) =>
    r.type.endsWith(":Secret")
      ? asAnalyzed(
          { ...r, inputs: { ...r.inputs, deletionProtection: true } },
          { options: { protect: true } },
        )
      : asAnalyzed(r),
  );
  expect(await host.analyzeStack(prod)).toEqual([]);

  const intruder = `serviceAccount:intruder@${GCP_PROJECT}.iam.gserviceaccount.com`;
  const tampered = prod
    .filter((r) => r.name !== "secret-audit")
    .map((r) =>
      r.name === "jwt-secret-accessors"
        ? {
            ...r,
            properties: { ...r.properties, members: [`serviceAccount:${API_EMAIL}`, intruder] },
          }
        : r,
    );
  const diags = await host.analyzeStack(tampered);
  expect(diags.map((d) => [d.policyName, d.urn])).toEqual([
    [
      "accessor-members-are-runtime-identities",
      "urn:pulumi:production::pegasus-secrets::gcp:secretmanager/secretIamBinding:SecretIamBinding::jwt-secret-accessors",
    ],
    ["secret-access-audit-logging", ""],
  ]);
  expect(diags[0].message).toContain(`grants roles/secretmanager.secretAccessor to ${intruder}`);
  expect(diags[1].message).toContain(
    'Stack "production" declares secrets but no Data Access audit config',
  );
});

test("the pack and the offline check agree on the real staging stack: no violation, then the same grant to a person", async () => {
  // The program's own resources, as the offline plan declares them (secrets redacted), sent to the
  // pack the way the engine would: every resource through Analyze, then all of them through AnalyzeStack.
  const ev = await planStack("staging", { projectDir: fixture.dir });
  const plan = planJson(ev);
  const offlineCheck = (
    rs: { type: string; name: string; properties: Record<string, unknown> }[],
  ) =>
    checkStack(
      rs.map((r) => ({ type: r.type, name: r.name, inputs: r.properties })),
      contextFromConfig("staging", stagingConfig),
    );
  expect(offlineCheck(plan.resources.map((r) => ({ ...r, properties: r.inputs })))).toEqual([]);
  // The running pack serves any stack: it reads the stack from each URN, as under the engine.
  const resources = plan.resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: `urn:pulumi:staging::pegasus-secrets::${r.type}::${r.name}`,
    properties: r.inputs,
  }));
  expect(resources.length).toBeGreaterThan(50);
  expect(await host.analyze(resources)).toEqual([]);
  expect(await host.analyzeStack(resources)).toEqual([]);
  // And a violation in that real stack is seen by both: a grant to a person on the JWT secret.
  const tampered = resources.map((r) =>
    r.name === "jwt-secret-accessors"
      ? { ...r, properties: { ...r.properties, members: ["user:someone@example.com"] } }
      : r,
  );
  expect((await host.analyze(tampered)).map((d) => d.policyName)).toEqual([
    "no-human-or-public-members",
  ]);
  expect(offlineCheck(tampered).map((v) => v.policy)).toEqual(["no-human-or-public-members"]);
  // A person is a person, not an unknown service account: no stack rule adds to it.
  expect(await host.analyzeStack(tampered)).toEqual([]);
}, 60_000);
