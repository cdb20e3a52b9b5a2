/**
 * Tests of the fake platform servers themselves (packages/platform-fakes/src), through Node's global fetch:
 * per platform a happy path, contract violations, wrong auth, an injected 429 and an injected hang.
 * Values and tokens are random; nothing here may look like a real credential.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { FakeFly } from "../src/fly";
import { FakeRailway } from "../src/railway";
import { FakeRender } from "../src/render";

const secret = (): string => randomBytes(16).toString("hex");

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function call(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  let body: string | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await fetch(url, { method: init.method ?? "GET", headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === "" ? undefined : JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

// ---------------------------------------------------------------------------------------------
describe("FakeRender", () => {
  let fake: FakeRender;
  let base: string;
  let auth: Record<string, string>;

  beforeEach(async () => {
    fake = new FakeRender();
    fake.addService({ id: "srv-web1", name: "web", type: "web" });
    fake.addService({ id: "srv-cron1", name: "nightly", type: "cron" });
    base = await fake.start();
    auth = { authorization: `Bearer ${fake.token}` };
  });

  afterEach(async () => {
    await fake.stop();
  });

  test("happy path: env group lifecycle, service vars, deploy", async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const [a, b] = [secret(), secret()];
    const created = await call(`${base}/env-groups`, {
      method: "POST",
      headers: auth,
      body: {
        name: "app-secrets",
        ownerId: fake.ownerId,
        envVars: [
          { key: "A", value: a },
          { key: "GEN", generateValue: true },
        ],
        serviceIds: ["srv-web1"],
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body.serviceLinks).toEqual([{ id: "srv-web1", name: "web", type: "web" }]);
    expect(created.body.envVars.find((v: { key: string }) => v.key === "GEN").value).toMatch(/./);

    const put = await call(`${base}/env-groups/${id}/env-vars/B`, {
      method: "PUT",
      headers: auth,
      body: { value: b },
    });
    expect(put.status).toBe(200);
    expect(put.body.envVars.map((v: { key: string }) => v.key).sort()).toEqual(["A", "B", "GEN"]);

    const got = await call(`${base}/env-groups/${id}/env-vars/B`, { headers: auth });
    expect(got.body).toEqual({ key: "B", value: b });

    const listed = await call(`${base}/env-groups?name=app-secrets&ownerId=${fake.ownerId}`, {
      headers: auth,
    });
    expect(listed.body.map((g: { id: string }) => g.id)).toEqual([id]);
    expect(listed.body[0].envVars).toBeUndefined();

    expect(
      (await call(`${base}/env-groups/${id}/env-vars/A`, { method: "DELETE", headers: auth }))
        .status,
    ).toBe(204);
    expect(
      (await call(`${base}/env-groups/${id}/env-vars/A`, { method: "DELETE", headers: auth }))
        .status,
    ).toBe(404);

    // Drift: a human edits the group in the dashboard.
    const drifted = secret();
    fake.setVarOutOfBand(id, "B", drifted);
    expect((await call(`${base}/env-groups/${id}/env-vars/B`, { headers: auth })).body.value).toBe(
      drifted,
    );

    // Service vars: replace-all, then page with limit 1 and the last item's cursor.
    const replaced = await call(`${base}/services/srv-web1/env-vars`, {
      method: "PUT",
      headers: auth,
      body: [
        { key: "Y", value: secret() },
        { key: "X", value: secret() },
      ],
    });
    expect(replaced.body.map((w: { envVar: { key: string } }) => w.envVar.key)).toEqual(["X", "Y"]);
    const page1 = await call(`${base}/services/srv-web1/env-vars?limit=1`, { headers: auth });
    expect(page1.body).toHaveLength(1);
    const page2 = await call(
      `${base}/services/srv-web1/env-vars?limit=1&cursor=${page1.body[0].cursor}`,
      { headers: auth },
    );
    expect(page2.body.map((w: { envVar: { key: string } }) => w.envVar.key)).toEqual(["Y"]);

    const deploy = await call(`${base}/services/srv-web1/deploys`, {
      method: "POST",
      headers: auth,
      body: { clearCache: "do_not_clear" },
    });
    expect(deploy.status).toBe(201);
    expect(deploy.body).toMatchObject({ status: "created", trigger: "api" });
    expect(
      (await call(`${base}/services/srv-web1/restart`, { method: "POST", headers: auth })).status,
    ).toBe(200);
    expect(
      (await call(`${base}/services/srv-cron1/restart`, { method: "POST", headers: auth })).status,
    ).toBe(400);

    const deploys = fake.deploysFor("srv-web1");
    expect(deploys).toHaveLength(1);
    expect(deploys[0].env).toMatchObject({ B: drifted });
    expect(fake.restartsFor("srv-web1")).toHaveLength(1);
    expect(fake.envGroupVars(id)).toMatchObject({ B: drifted });
    expect(fake.count("PUT", "/env-groups/{envGroupId}/env-vars/{envVarKey}")).toBe(1);
    expect(fake.countOperation("create-deploy")).toBe(1);
    expect(fake.violations).toEqual([]);
  });

  test("env groups page by the id of the last group", async () => {
    const ids = ["one", "two", "three"].map((name) => fake.seedEnvGroup({ name }));
    const first = await call(`${base}/env-groups?limit=2`, { headers: auth });
    expect(first.body.map((g: { id: string }) => g.id)).toEqual(ids.slice(0, 2));
    const next = await call(`${base}/env-groups?limit=2&cursor=${ids[1]}`, { headers: auth });
    expect(next.body.map((g: { id: string }) => g.id)).toEqual([ids[2]]);
    expect(fake.violations).toEqual([]);
  });

  test("contract violations: body shape, unknown property, unknown route, bad query", async () => {
    const id = fake.seedEnvGroup({ name: "g", vars: { A: secret() } });
    const bad = await call(`${base}/env-groups/${id}/env-vars/A`, {
      method: "PUT",
      headers: auth,
      body: {},
    });
    expect(bad.status).toBe(400);
    expect(bad.body.id).toBe("bad_request");
    expect(bad.body.message).toContain("body must have required property 'value'");
    expect(fake.violations[0]).toContain(
      "PUT /env-groups/{envGroupId}/env-vars/{envVarKey}: body must have required property 'value'",
    );

    const patched = await call(`${base}/env-groups/${id}`, {
      method: "PATCH",
      headers: auth,
      body: { name: "renamed", envVars: [] },
    });
    expect(patched.status).toBe(200);
    expect(fake.violations[1]).toBe(
      "PATCH /env-groups/{envGroupId}: body has property 'envVars' that the spec does not define",
    );

    const unknown = await call(`${base}/env-groups/${id}/variables`, { headers: auth });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ id: "not_found", message: "not found" });
    expect(fake.violations[2]).toContain("no such path in render-openapi.json");

    const tooMany = await call(`${base}/env-groups?limit=1000`, { headers: auth });
    expect(tooMany.status).toBe(400);
    expect(fake.violations[3]).toBe("GET /env-groups: query parameter 'limit' must be <= 100");
    expect(fake.violations).toHaveLength(4);
  });

  test("wrong or missing token: 401 in the error shape; the log keeps no credential", async () => {
    const wrong = await call(`${base}/env-groups`, {
      headers: { authorization: `Bearer ${secret()}` },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ id: "unauthorized", message: "Unauthorized" });
    expect((await call(`${base}/env-groups`)).status).toBe(401);
    await call(`${base}/env-groups`, { headers: auth });
    expect(fake.requests.map((r) => r.authorized)).toEqual([false, false, true]);
    expect(fake.requests[2].headers.authorization).toBe("Bearer");
    expect(JSON.stringify(fake.requests)).not.toContain(fake.token);
  });

  test("injected 429 carries the rate-limit headers, then the request goes through", async () => {
    fake.failNext({ status: 429, match: { method: "GET", path: /^\/env-groups$/ } });
    const limited = await call(`${base}/env-groups`, { headers: auth });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("ratelimit-reset")).toBe("1");
    expect(limited.body).toMatchObject({ id: "rate_limited" });
    expect((await call(`${base}/env-groups`, { headers: auth })).status).toBe(200);
    expect(fake.requests[0].fault).toEqual({ kind: "fail", status: 429 });
    expect(fake.pendingFaults).toBe(0);
  });

  test("injected hang: the client times out and stop() still returns", async () => {
    fake.hangNext({ match: { operation: "list-env-groups" } });
    await expect(
      fetch(`${base}/env-groups`, { headers: auth, signal: AbortSignal.timeout(150) }),
    ).rejects.toThrow();
    expect(fake.requests[0].fault).toEqual({ kind: "hang" });
    expect(fake.requests[0].status).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
describe("FakeFly", () => {
  let fake: FakeFly;
  let base: string;
  let auth: Record<string, string>;
  const config = { image: "registry.invalid/app:1", env: { PLAIN: "1" }, guest: { cpus: 1 } };

  beforeEach(async () => {
    fake = new FakeFly();
    fake.addApp("pegasus-api", { machines: [{ id: "m1", config }] });
    base = await fake.start();
    auth = { authorization: `Bearer ${fake.token}` };
  });

  afterEach(async () => {
    await fake.stop();
  });

  test("happy path: bulk set/unset, set one, delete, machine update and restart", async () => {
    const [a, b, c] = [secret(), secret(), secret()];
    const set = await call(`${base}/apps/pegasus-api/secrets`, {
      method: "POST",
      headers: auth,
      body: { values: { A: a, B: b } },
    });
    expect(set.status).toBe(200);
    expect(set.body.version).toBe(1);
    expect(set.body.Version).toBe(1);
    expect(set.body.secrets.map((s: { name: string }) => s.name)).toEqual(["A", "B"]);
    expect(JSON.stringify(set.body)).not.toContain(a);

    const listed = await call(`${base}/apps/pegasus-api/secrets?show_secrets=true`, {
      headers: { authorization: `FlyV1 ${fake.token}` },
    });
    expect(listed.status).toBe(200);
    expect(listed.body.secrets[0]).not.toHaveProperty("value");
    const digestA = listed.body.secrets[0].digest;

    // null unsets, unknown names are ignored; the same value again is no change.
    const unset = await call(`${base}/apps/pegasus-api/secrets`, {
      method: "POST",
      headers: { authorization: `FlyV1 ${fake.token}` },
      body: { values: { B: null, NEVER_SET: null, A: a } },
    });
    expect(unset.body.version).toBe(2);
    expect(unset.body.secrets).toEqual([expect.objectContaining({ name: "A", digest: digestA })]);

    const one = await call(`${base}/apps/pegasus-api/secrets/C`, {
      method: "POST",
      headers: auth,
      body: { value: c },
    });
    expect(one.status).toBe(201);
    expect(one.body).toMatchObject({ name: "C", version: 3 });
    expect(fake.secretValue("pegasus-api", "C")).toBe(c);

    const del = await call(`${base}/apps/pegasus-api/secrets/C`, {
      method: "DELETE",
      headers: auth,
    });
    expect(del.body).toEqual({ version: 4, Version: 4 });
    expect(fake.secretNames("pegasus-api")).toEqual(["A"]);

    const machines = await call(`${base}/apps/pegasus-api/machines`, { headers: auth });
    expect(machines.body).toHaveLength(1);
    const machine = machines.body[0];
    const updated = await call(`${base}/apps/pegasus-api/machines/${machine.id}`, {
      method: "POST",
      headers: auth,
      body: { config: machine.config, min_secrets_version: 4 },
    });
    expect(updated.status).toBe(200);
    expect(fake.machineUpdates("pegasus-api")).toEqual([
      expect.objectContaining({
        machineId: "m1",
        minSecretsVersion: 4,
        secretsVersion: 4,
        configChanged: false,
        droppedConfigKeys: [],
      }),
    ]);
    expect(fake.machineSecrets("pegasus-api", "m1")).toEqual({ A: a });

    const restarted = await call(`${base}/apps/pegasus-api/machines/m1/restart?signal=SIGTERM`, {
      method: "POST",
      headers: auth,
    });
    expect(restarted.status).toBe(200);
    expect(fake.machineRestarts("pegasus-api")).toEqual([
      expect.objectContaining({ machineId: "m1", signal: "SIGTERM", secretsVersion: 4 }),
    ]);

    // Drift: someone else rotates A; the digest and updated_at move.
    fake.setSecretOutOfBand("pegasus-api", "A", secret());
    const after = await call(`${base}/apps/pegasus-api/secrets/A`, { headers: auth });
    expect(after.body.digest).not.toBe(digestA);
    expect(fake.secretsVersion("pegasus-api")).toBe(5);
    expect(fake.violations).toEqual([]);
  });

  test("contract violations: body types, partial machine config, unknown route", async () => {
    const bad = await call(`${base}/apps/pegasus-api/secrets`, {
      method: "POST",
      headers: auth,
      body: { values: { A: 5 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: "body/values/A must be string,null" });
    expect(fake.violations[0]).toBe(
      "POST /apps/{app_name}/secrets: body/values/A must be string,null",
    );

    const noConfig = await call(`${base}/apps/pegasus-api/machines/m1`, {
      method: "POST",
      headers: auth,
      body: { min_secrets_version: 0 },
    });
    expect(noConfig.status).toBe(400);
    expect(fake.violations[1]).toContain("config is required");

    const partial = await call(`${base}/apps/pegasus-api/machines/m1`, {
      method: "POST",
      headers: auth,
      body: { config: { env: { PLAIN: "1" } } },
    });
    expect(partial.status).toBe(200);
    expect(fake.violations[2]).toContain("config leaves out 'image', 'guest'");
    expect(fake.machineUpdates("pegasus-api")[0].droppedConfigKeys).toEqual(["image", "guest"]);

    const unknown = await call(`${base}/apps/pegasus-api/env`, { headers: auth });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: "not found" });
    expect(fake.violations[3]).toContain("GET /apps/pegasus-api/env: no such path");
  });

  test("wrong token or scheme: 401 {error}", async () => {
    const wrong = await call(`${base}/apps/pegasus-api/secrets`, {
      headers: { authorization: `FlyV1 ${secret()}` },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: "Unauthorized" });
    const scheme = await call(`${base}/apps/pegasus-api/secrets`, {
      headers: { authorization: `Token ${fake.token}` },
    });
    expect(scheme.status).toBe(401);
  });

  test("injected 429 on one operation, with the headers the test gives", async () => {
    fake.failNext({
      status: 429,
      headers: { "Retry-After": "2" },
      match: { operation: "Secrets_update" },
    });
    const listed = await call(`${base}/apps/pegasus-api/secrets`, { headers: auth });
    expect(listed.status).toBe(200);
    const limited = await call(`${base}/apps/pegasus-api/secrets`, {
      method: "POST",
      headers: auth,
      body: { values: {} },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("2");
    expect(limited.body).toEqual({ error: "Too Many Requests" });
    fake.failNext({ status: 503, times: 2 });
    expect((await call(`${base}/apps/pegasus-api/secrets`, { headers: auth })).status).toBe(503);
    expect((await call(`${base}/apps/pegasus-api/secrets`, { headers: auth })).status).toBe(503);
    expect((await call(`${base}/apps/pegasus-api/secrets`, { headers: auth })).status).toBe(200);
  });

  test("injected hang", async () => {
    fake.hangNext({ match: { method: "POST", path: /\/machines\// } });
    await expect(
      fetch(`${base}/apps/pegasus-api/machines/m1`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ config }),
        signal: AbortSignal.timeout(150),
      }),
    ).rejects.toThrow();
    expect(fake.machineUpdates("pegasus-api")).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
describe("FakeRailway", () => {
  const operations = path.resolve(__dirname, "..", "..", "..", "specs", "railway-operations");
  const op = (name: string): string =>
    fs.readFileSync(path.join(operations, `${name}.graphql`), "utf8");
  const scope = { projectId: "p1", environmentId: "e1", serviceId: "s1" };
  let fake: FakeRailway;
  let url: string;
  let auth: Record<string, string>;

  const gql = (query: string, variables?: Record<string, unknown>, headers = auth) =>
    call(url, { method: "POST", headers, body: { query, variables } });

  beforeEach(async () => {
    fake = new FakeRailway();
    fake.addProject({
      id: "p1",
      name: "pegasus",
      environments: [
        { id: "e1", name: "production" },
        { id: "e2", name: "staging" },
      ],
      services: [
        { id: "s1", name: "api" },
        { id: "s2", name: "worker" },
      ],
    });
    url = await fake.start();
    auth = { authorization: `Bearer ${fake.token}` };
  });

  afterEach(async () => {
    await fake.stop();
  });

  test("happy path with the CLI's own operation documents", async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql\/v2$/);
    const [a, b] = [secret(), secret()];
    const upsert = await gql(op("VariableCollectionUpsert"), {
      ...scope,
      variables: { A: a, B: b },
      skipDeploys: true,
    });
    expect(upsert.status).toBe(200);
    expect(upsert.body).toEqual({ data: { variableCollectionUpsert: true } });
    expect(fake.deploymentsFor("s1")).toEqual([]);

    // Without skipDeploys the upsert redeploys the service.
    await gql(op("VariableCollectionUpsert"), { ...scope, variables: { A: a } });
    expect(fake.deploymentsFor("s1")).toEqual([
      expect.objectContaining({ trigger: "variableCollectionUpsert", automatic: true }),
    ]);

    // A shared variable reaches s2 through a reference; changing it redeploys s2.
    const shared = secret();
    await gql(`mutation($input: VariableUpsertInput!) { variableUpsert(input: $input) }`, {
      input: {
        projectId: "p1",
        environmentId: "e1",
        name: "SHARED",
        value: shared,
        skipDeploys: true,
      },
    });
    fake.seedVariables({ ...scope, serviceId: "s2" }, { FROM_SHARED: "${{shared.SHARED}}" });
    await gql(`mutation($input: VariableUpsertInput!) { variableUpsert(input: $input) }`, {
      input: { projectId: "p1", environmentId: "e1", name: "SHARED", value: shared },
    });
    expect(fake.deploymentsFor("s2")).toHaveLength(1);

    const read = await gql(
      `query($p: String!, $e: String!, $s: String, $u: Boolean) {
        variables(projectId: $p, environmentId: $e, serviceId: $s, unrendered: $u)
      }`,
      { p: "p1", e: "e1", s: "s2" },
    );
    expect(read.body.data.variables).toEqual({ FROM_SHARED: shared });
    const rendered = await gql(op("VariablesForServiceDeployment"), scope);
    expect(rendered.body.data.variablesForServiceDeployment).toMatchObject({
      A: a,
      B: b,
      RAILWAY_SERVICE_NAME: "api",
    });

    // Sealed variables are left out of reads (UNCONFIRMED choice).
    fake.sealVariable(scope, "B");
    const afterSeal = await gql(
      `query { variables(projectId: "p1", environmentId: "e1", serviceId: "s1",
        unrendered: true) }`,
    );
    expect(afterSeal.body.data.variables).toEqual({ A: a });

    const deleted = await gql(op("VariableDelete"), { ...scope, name: "A" });
    expect(deleted.body.data.variableDelete).toBe(true);
    expect(fake.variablesOf(scope)).toEqual({ B: b });

    const deployed = await gql(op("ServiceInstanceDeploy"), {
      environmentId: "e1",
      serviceId: "s1",
    });
    const deploymentId = deployed.body.data.serviceInstanceDeployV2 as string;
    const redeployed = await gql(op("DeploymentRedeploy"), { id: deploymentId });
    expect(redeployed.body.data.deploymentRedeploy.id).toEqual(expect.any(String));
    const restarted = await gql(op("DeploymentRestart"), { id: deploymentId });
    expect(restarted.body.data.deploymentRestart).toBe(true);
    expect(fake.restartsOf(deploymentId)).toHaveLength(1);
    await gql(`mutation { serviceInstanceRedeploy(environmentId: "e1", serviceId: "s1") }`);
    expect(fake.deploymentsFor("s1").map((d) => d.trigger)).toEqual([
      "variableCollectionUpsert",
      "serviceInstanceDeployV2",
      "deploymentRedeploy",
      "serviceInstanceRedeploy",
    ]);
    expect(fake.countOperation("VariableCollectionUpsert")).toBe(2);
    expect(fake.countOperation("variableUpsert")).toBe(2);
    expect(fake.violations).toEqual([]);
  });

  test("project token: scoped to its environment, answers projectToken", async () => {
    const token = fake.addProjectToken("p1", "e1");
    const headers = { "project-access-token": token };
    const who = await gql(`query { projectToken { projectId environmentId } }`, undefined, headers);
    expect(who.body.data.projectToken).toEqual({ projectId: "p1", environmentId: "e1" });
    const other = await gql(
      `query { variables(projectId: "p1", environmentId: "e2") }`,
      undefined,
      headers,
    );
    expect(other.status).toBe(200);
    expect(other.body.errors[0].message).toBe("Not Authorized");
    expect(fake.requests[1].headers["project-access-token"]).toBe("[redacted]");
    expect(JSON.stringify(fake.requests)).not.toContain(token);
    expect(fake.violations).toEqual([]);
  });

  test("contract violations: variables, unknown fields, unknown route, unimplemented", async () => {
    const missing = await gql(op("VariableDelete"), { projectId: "p1", environmentId: "e1" });
    expect(missing.status).toBe(200);
    expect(missing.body.errors[0].message).toBe(
      'Variable "$name" of required type "String!" was not provided.',
    );
    expect(fake.violations[0]).toBe(
      'GraphQL VariableDelete: Variable "$name" of required type "String!" was not provided.',
    );

    // A value of the wrong type: the violation names the field, never the value.
    const value = secret();
    await gql(op("VariableCollectionUpsert"), { ...scope, variables: { A: { nested: value } } });
    expect(fake.violations[1]).toContain('Variable "$variables" got invalid value;');
    expect(fake.violations[1]).toContain('EnvironmentVariables value of "A" must be a string');
    const literal = Number.parseInt(randomBytes(3).toString("hex"), 16) + 1000;
    await gql(`mutation { variableUpsert(input: {projectId: "p1", environmentId: "e1",
      name: "N", value: ${literal}}) }`);
    expect(fake.violations[2]).toContain("String cannot represent a non string value");
    expect(fake.violations.join("\n")).not.toContain(value);
    expect(fake.violations.join("\n")).not.toContain(String(literal));

    const unknownField = await gql(`query { variabels(projectId: "p1", environmentId: "e1") }`);
    expect(unknownField.body.errors[0].message).toContain('Cannot query field "variabels"');

    const notImplemented = await gql(`query { me { id } }`);
    expect(notImplemented.body.errors[0].message).toBe("Query.me is not implemented in the fake");

    const wrongPath = await call(url.replace("/graphql/v2", "/graphql"), {
      method: "POST",
      headers: auth,
      body: { query: "{ __typename }" },
    });
    expect(wrongPath.status).toBe(404);
    expect(fake.violations).toHaveLength(6);
  });

  test("wrong token: HTTP 200 with Not Authorized", async () => {
    const wrong = await gql(
      op("DeploymentRestart"),
      { id: "x" },
      {
        authorization: `Bearer ${secret()}`,
      },
    );
    expect(wrong.status).toBe(200);
    expect(wrong.body).toEqual({ data: null, errors: [{ message: "Not Authorized" }] });
    const badProjectToken = await gql(`query { projectToken { projectId } }`, undefined, {
      "project-access-token": secret(),
    });
    expect(badProjectToken.body.errors[0].message).toBe("Project Token not found");
  });

  test("injected 429 carries Retry-After", async () => {
    fake.failNext({ status: 429, match: { operation: "variableCollectionUpsert" } });
    const limited = await gql(op("VariableCollectionUpsert"), { ...scope, variables: {} });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
    const again = await gql(op("VariableCollectionUpsert"), { ...scope, variables: {} });
    expect(again.body.data.variableCollectionUpsert).toBe(true);
  });

  test("injected hang", async () => {
    fake.hangNext({ match: { operation: "DeploymentRestart" } });
    await expect(
      fetch(url, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ query: op("DeploymentRestart"), variables: { id: "x" } }),
        signal: AbortSignal.timeout(150),
      }),
    ).rejects.toThrow();
  });
});
