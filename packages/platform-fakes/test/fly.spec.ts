/**
 * Tests of the fake Fly.io server (packages/platform-fakes/src/fly.ts and the modules it uses), through Node's
 * global fetch: a happy path, contract violations, wrong auth, an injected 429 and an injected hang.
 * Values and tokens are random; nothing here may look like a real credential.
 */
import { FakeFly } from "../src/fly";
import { call, secret } from "./http";

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
