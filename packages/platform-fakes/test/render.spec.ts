/**
 * Tests of the fake Render server (packages/platform-fakes/src/render.ts and the modules it uses), through Node's
 * global fetch: a happy path, contract violations, wrong auth, an injected 429 and an injected hang.
 * Values and tokens are random; nothing here may look like a real credential.
 */
import { FakeRender } from "../src/render";
import { call, secret } from "./http";

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
