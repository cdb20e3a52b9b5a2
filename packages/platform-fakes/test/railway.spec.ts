/**
 * Tests of the fake Railway server (packages/platform-fakes/src/railway.ts and the modules it uses), through Node's
 * global fetch: a happy path, contract violations, wrong auth, an injected 429 and an injected hang.
 * Values and tokens are random; nothing here may look like a real credential.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { FakeRailway } from "../src/railway";
import { call, secret } from "./http";

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
