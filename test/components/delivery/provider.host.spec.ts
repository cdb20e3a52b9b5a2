/**
 * The platform providers the way `pulumi up` runs them: a program compiled by the SDK's own loader
 * (`cmd/run`, the project's tsconfig.json) registers one delivery per platform, and each serialized
 * `__provider` it sent is then driven through the SDK's dynamic-provider host over gRPC, as the
 * engine does (secrets arrive in plain, outputs are re-marked by name only), against the fakes.
 *
 * Not proven here: the real engine's own diff display, and the real platforms' behaviour where
 * their contracts are UNCONFIRMED (docs/platforms.md).
 */
import { randomBytes, randomUUID } from "crypto";
import * as path from "path";
import {
  DynamicProviderHost,
  ProviderError,
  startDynamicProviderHost,
} from "@pegasus-secrets/test-engine";
import { isSecret, Registration, runProgram, secret } from "@pegasus-secrets/test-engine";
import { FakeFly } from "@pegasus-secrets/platform-fakes";
import { FakeRailway } from "@pegasus-secrets/platform-fakes";
import { FakeRender } from "@pegasus-secrets/platform-fakes";
import { unknownValue as UNKNOWN } from "@pulumi/pulumi/runtime/rpc";
import { readStackConfig } from "../../../cli/plan/stackFiles";
import { CATALOG } from "../../../catalog";
import { buildModel, consumerVariables, RawConfig } from "../../../model";
import { fixtureProject } from "../../fixtures";
import { PROJECT_DIR } from "../../helpers";
import { FAST_HTTP, nonSecretJson, value } from "../platforms/kit";

const FIXTURE = path.join(__dirname, "fixtures", "program");
const PROJECT = "pegasus-platforms-fixture";
const hex = (n: number) => randomBytes(n).toString("hex");
type Platform = "render" | "fly" | "railway";
const TYPES: Record<Platform, string> = {
  render: "pulumi-nodejs:dynamic/pegasus:RenderEnvGroup",
  fly: "pulumi-nodejs:dynamic/pegasus:FlyAppSecrets",
  railway: "pulumi-nodejs:dynamic/pegasus:RailwayVariables",
};

describe("platform providers through the SDK's loader and dynamic-provider host", () => {
  const render = new FakeRender();
  const fly = new FakeFly();
  const railway = new FakeRailway();
  const target = {
    render: {
      ownerId: render.ownerId,
      groupName: `pegasus-host-${hex(3)}`,
      serviceId: `srv-${hex(8)}`,
    },
    fly: { app: `pegasus-host-${hex(3)}` },
    railway: { projectId: randomUUID(), environmentId: randomUUID(), serviceId: randomUUID() },
  };
  const values = { jwtSecret: value(), databaseUrl: value() };
  const machineId = `m1${hex(6)}`;
  // Credentials present while the program is compiled and serialized: none may be captured.
  const programCredentials = {
    RENDER_API_KEY: `canary${hex(16)}`,
    FLY_API_TOKEN: `canary${hex(16)}`,
    RAILWAY_API_TOKEN: `canary${hex(16)}`,
  };
  const regs = {} as Record<Platform, Registration>;
  let host: DynamicProviderHost;
  let programOutput = "";

  beforeAll(async () => {
    await Promise.all([render.start(), fly.start(), railway.start()]);
    render.addService({ id: target.render.serviceId, name: "api", type: "web" });
    fly.addApp(target.fly.app, {
      machines: [{ id: machineId, config: { image: "registry.example/api:1" } }],
    });
    railway.addProject({
      id: target.railway.projectId,
      environments: [{ id: target.railway.environmentId }],
      services: [{ id: target.railway.serviceId, name: "api" }],
    });
    railway.seedDeployment(target.railway);

    // The host starts while the program runs: the engine, too, has both up at once.
    const hostStarting = startDynamicProviderHost({
      cwd: FIXTURE,
      project: PROJECT,
      stack: "test",
      env: {
        ...FAST_HTTP,
        RENDER_API_URL: render.url,
        RENDER_API_KEY: render.token,
        FLY_API_URL: fly.url,
        FLY_API_TOKEN: fly.token,
        RAILWAY_API_URL: railway.url,
        RAILWAY_API_TOKEN: railway.token,
      },
    });
    const running = runProgram({
      projectDir: FIXTURE,
      stack: "test",
      config: {
        target: JSON.stringify(target),
        jwtSecret: values.jwtSecret,
        databaseUrl: values.databaseUrl,
      },
      secretKeys: ["jwtSecret", "databaseUrl"],
      env: {
        ...programCredentials,
        PULUMI_NODEJS_TRANSPILE_ONLY: "true",
        PULUMI_NODEJS_TSCONFIG_PATH: path.join(PROJECT_DIR, "tsconfig.json"),
      },
      timeoutMs: 40_000,
    });
    // Both settle before anything throws, so `afterAll` can stop a host that did start.
    const [started, ran] = await Promise.allSettled([hostStarting, running]);
    if (started.status === "fulfilled") host = started.value;
    if (started.status === "rejected") throw started.reason;
    if (ran.status === "rejected") throw ran.reason;
    const run = ran.value;
    // The SDK's own debug log (shown only with `pulumi up --debug`) prints registrations in full,
    // secrets included; what a user sees by default is every other log line and the outputs.
    programOutput =
      run.stdout +
      run.stderr +
      JSON.stringify(run.logs.filter((l) => l.severity !== "debug")) +
      JSON.stringify(run.stackOutputs);
    for (const p of Object.keys(TYPES) as Platform[]) {
      const reg = run.resources.find((r) => r.type === TYPES[p]);
      if (run.exitCode !== 0 || !reg) {
        throw new Error(`fixture program failed (${run.exitCode}):\n${run.stderr}`);
      }
      regs[p] = reg;
    }
  }, 60_000);

  afterAll(async () => {
    await host?.stop();
    await Promise.all([render.stop(), fly.stop(), railway.stop()]);
  });

  afterEach(() => {
    expect([...render.violations, ...fly.violations, ...railway.violations]).toEqual([]);
  });

  it("serializes every provider without a credential or a value, and sends values as secrets", () => {
    const canaries = [...Object.values(programCredentials), ...Object.values(values)];
    for (const p of Object.keys(TYPES) as Platform[]) {
      const reg = regs[p];
      const code = String(reg.inputs.__provider);
      expect(code).toContain("exports.handler");
      for (const c of canaries) expect(code).not.toContain(c);
      // Each value is its own secret on the wire; the names are plain, so a diff can name them.
      const secrets = reg.inputs.secrets as Record<string, unknown>;
      expect(Object.keys(secrets).sort()).toEqual(["DATABASE_URL", "JWT_SECRET"]);
      expect(secrets.JWT_SECRET).toEqual(secret(values.jwtSecret));
      expect(secrets.DATABASE_URL).toEqual(secret(values.databaseUrl));
      expect(reg.inputs.vars).toEqual({ PLC_STORAGE_DIR: "/srv/pegasus/fixture" });
      expect(reg.options.additionalSecretOutputs).toEqual(
        p === "fly" ? ["hashKey", "hashes", "digests"] : ["hashKey", "hashes"],
      );
      const { __provider: _code, ...rest } = reg.inputs;
      for (const v of Object.values(values)) expect(nonSecretJson(rest)).not.toContain(v);
    }
    expect(canaries.filter((c) => programOutput.includes(c))).toEqual([]);
  });

  const platformValues = (p: Platform): Record<string, string> => {
    if (p === "render") {
      const ids = render.envGroupIdsByName(target.render.groupName);
      return ids.length ? render.envGroupVars(ids[0]) : {};
    }
    if (p === "fly") {
      return Object.fromEntries(
        fly.secretNames(target.fly.app).map((n) => [n, fly.secretValue(target.fly.app, n)!]),
      );
    }
    return railway.variablesOf(target.railway);
  };
  const setOutOfBand = (p: Platform, key: string, v: string) => {
    if (p === "render")
      render.setVarOutOfBand(render.envGroupIdsByName(target.render.groupName)[0], key, v);
    else if (p === "fly") fly.setSecretOutOfBand(target.fly.app, key, v);
    else railway.setVariableOutOfBand(target.railway, key, v);
  };

  it.each(Object.keys(TYPES) as Platform[])(
    "%s: create, no-op, rotation, preview with an unknown, drift, delete over gRPC",
    async (p) => {
      const { urn, inputs } = regs[p];
      const checked = await host.check(urn, {}, inputs);
      expect(checked.failures).toEqual([]);
      const created = await host.create(urn, checked.inputs);
      expect(created.id).not.toBe("");
      const desired = {
        JWT_SECRET: values.jwtSecret,
        DATABASE_URL: values.databaseUrl,
        PLC_STORAGE_DIR: "/srv/pegasus/fixture",
      };
      expect(platformValues(p)).toEqual(desired);
      // Derived outputs come back secret from the provider itself; nothing else carries a value.
      let state = created.properties;
      expect(isSecret(state.hashes)).toBe(true);
      expect(isSecret(state.hashKey)).toBe(true);
      if (p === "fly") expect(isSecret(state.digests)).toBe(true);
      for (const v of Object.values(values)) expect(nonSecretJson(state)).not.toContain(v);

      expect((await host.diff(created.id, urn, state, checked.inputs)).changes).toBe("none");

      const rotatedValue = value();
      const rotated = {
        ...inputs,
        secrets: { ...(inputs.secrets as object), JWT_SECRET: secret(rotatedValue) },
      };
      const checked2 = await host.check(urn, state, rotated);
      expect((await host.diff(created.id, urn, state, checked2.inputs)).changes).toBe("some");
      state = (await host.update(created.id, urn, state, checked2.inputs)).properties;
      expect(platformValues(p)).toEqual({ ...desired, JWT_SECRET: rotatedValue });
      expect((await host.diff(created.id, urn, state, checked2.inputs)).changes).toBe("none");

      // Preview: a value not known yet is never "no change".
      const previewNews = {
        ...inputs,
        secrets: { ...(inputs.secrets as object), JWT_SECRET: UNKNOWN },
      };
      const previewDiff = await host.diff(created.id, urn, state, previewNews, { preview: true });
      expect(previewDiff.changes).toBe("some");
      // Preview: a whole map not known yet passes check and is an update; nothing is sent.
      const requestsBefore = render.requests.length + fly.requests.length + railway.requests.length;
      for (const map of ["secrets", "vars"]) {
        const news = { ...inputs, [map]: UNKNOWN };
        const previewCheck = await host.check(urn, state, news, { preview: true });
        expect(previewCheck.failures).toEqual([]);
        expect(previewCheck.inputs[map]).toBe(UNKNOWN);
        const d = await host.diff(created.id, urn, state, previewCheck.inputs, { preview: true });
        expect(d.changes).toBe("some");
      }
      expect(render.requests.length + fly.requests.length + railway.requests.length).toBe(
        requestsBefore,
      );

      // Refresh sees a value someone changed; the next update restores it.
      setOutOfBand(p, "DATABASE_URL", value());
      const read = await host.read(created.id, urn, state);
      expect(read.id).toBe(created.id);
      expect(isSecret(read.properties.hashes)).toBe(true);
      expect((await host.diff(created.id, urn, read.properties, checked2.inputs)).changes).toBe(
        "some",
      );
      state = (await host.update(created.id, urn, read.properties, checked2.inputs)).properties;
      expect(platformValues(p).DATABASE_URL).toBe(values.databaseUrl);

      await host.delete(created.id, urn, state);
      expect(platformValues(p)).toEqual({});
    },
  );

  it("carries a failure midway through the host as partial state the next update finishes", async () => {
    const { urn, inputs } = regs.fly;
    const checked = await host.check(urn, {}, inputs);
    fly.failNext({ status: 400, match: { operation: "Machines_update" } });
    const err = await host.create(urn, checked.inputs).catch((e: ProviderError) => e);
    expect(err).toBeInstanceOf(ProviderError);
    const failure = (err as ProviderError).initFailure!;
    expect(failure.id).toBe(target.fly.app);
    // The machine list was read before the update failed: what is left is that machine.
    expect(failure.properties.pendingMachineIds).toEqual([machineId]);
    expect(isSecret(failure.properties.hashes)).toBe(true);
    const writesBefore = fly.count("POST", "/apps/{app_name}/secrets");
    const done = await host.update(failure.id, urn, failure.properties, checked.inputs);
    expect(done.properties.pendingMachineIds).toEqual([]);
    expect(fly.count("POST", "/apps/{app_name}/secrets")).toBe(writesBefore);
    const updates = fly.machineUpdates(target.fly.app);
    expect(updates.at(-1)!.minSecretsVersion).toBe(fly.secretsVersion(target.fly.app));
    await host.delete(failure.id, urn, done.properties);
  });

  it("reports a refused credential with the variable's name and no secret, in the error and in the host's output", async () => {
    const { urn, inputs } = regs.railway;
    const checked = await host.check(urn, {}, inputs);
    railway.failNext({
      status: 200,
      body: { data: null, errors: [{ message: "Not Authorized" }] },
    });
    const err = (await host.create(urn, checked.inputs).catch((e: Error) => e)) as Error;
    expect(err.message).toContain(
      "Railway API: PegasusVariables failed: Not Authorized. Check RAILWAY_API_TOKEN",
    );
    const { stdout, stderr } = host.output();
    for (const s of [err.message, stdout, stderr]) {
      for (const v of [...Object.values(values), render.token, fly.token, railway.token]) {
        expect(s).not.toContain(v);
      }
    }
  });

  describe("a rotation's two phases, as the model delivers them to the api", () => {
    // The stack config of each phase: before, while JWT_SECRET and DATABASE_URL rotate, after finalize.
    const project = fixtureProject();
    const fixture = readStackConfig(project.dir, "staging").raw;
    afterAll(() => project.cleanup());
    const withKeys = (extra: Record<string, unknown>): RawConfig => ({
      get: (k) => (k in extra ? JSON.stringify(extra[k]) : fixture.get(k)),
      isSecret: (k) => fixture.isSecret(k),
      keys: () => [...new Set([...(fixture.keys?.() ?? []), ...Object.keys(extra)])],
    });
    const rotated = { JWT_SECRET: "2026-11-29.1", DATABASE_URL: "2026-11-29.1" };
    const phases = {
      before: withKeys({}),
      rotating: withKeys({
        "pegasus-secrets:rotations": rotated,
        "pegasus-secrets:previousKeepers": { JWT_SECRET: "initial", DATABASE_URL: "initial" },
        "pegasus-secrets:activeUsers": { DATABASE_URL: "b" },
      }),
      finalized: withKeys({
        "pegasus-secrets:rotations": rotated,
        "pegasus-secrets:activeUsers": { DATABASE_URL: "b" },
      }),
    };
    // One value per variable and keeper: a keeper names a value.
    const valueOf = new Map<string, string>();
    const secretsOf = (raw: RawConfig): Record<string, unknown> => {
      const delivered = consumerVariables(
        buildModel(CATALOG, "staging", raw),
        "api",
      ).secrets.filter((d) => d.variable === "JWT_SECRET" || d.variable === "DATABASE_URL");
      return Object.fromEntries(
        delivered.map((d) => {
          const k = `${d.variable}@${d.keeper}`;
          if (!valueOf.has(k)) valueOf.set(k, value());
          return [d.key, secret(valueOf.get(k))];
        }),
      );
    };

    it.each(Object.keys(TYPES) as Platform[])(
      "%s: the previous signing key beside the new one until finalize, then removed; the new URL at once",
      async (p) => {
        const { urn, inputs } = regs[p];
        const apply = async (
          raw: RawConfig,
          prior?: { id: string; state: Record<string, unknown> },
        ) => {
          const news = { ...inputs, secrets: secretsOf(raw) };
          if (!prior) {
            const checked = await host.check(urn, {}, news);
            const c = await host.create(urn, checked.inputs);
            return { id: c.id, state: c.properties };
          }
          const checked = await host.check(urn, prior.state, news);
          const u = await host.update(prior.id, urn, prior.state, checked.inputs);
          return { id: prior.id, state: u.properties };
        };
        const v = (variable: string, keeper: string) => valueOf.get(`${variable}@${keeper}`);
        const vars = { PLC_STORAGE_DIR: "/srv/pegasus/fixture" };
        let res = await apply(phases.before);
        expect(platformValues(p)).toEqual({
          ...vars,
          JWT_SECRET: v("JWT_SECRET", "initial"),
          DATABASE_URL: v("DATABASE_URL", "initial"),
        });
        res = await apply(phases.rotating, res);
        expect(platformValues(p)).toEqual({
          ...vars,
          JWT_SECRET: v("JWT_SECRET", "2026-11-29.1"),
          JWT_SECRET_PREVIOUS: v("JWT_SECRET", "initial"),
          DATABASE_URL: v("DATABASE_URL", "2026-11-29.1"),
        });
        res = await apply(phases.finalized, res);
        expect(platformValues(p)).toEqual({
          ...vars,
          JWT_SECRET: v("JWT_SECRET", "2026-11-29.1"),
          DATABASE_URL: v("DATABASE_URL", "2026-11-29.1"),
        });
        await host.delete(res.id, urn, res.state);
      },
    );
  });
});
