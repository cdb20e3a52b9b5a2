/**
 * One "case" per platform: its fake, a fresh destination per test, how to read what the platform
 * holds, and what a create, a rotation and an activation cost in requests. The delivery engine's
 * specs (test/components/delivery) run the same lifecycle and faults against all three, so the
 * platforms cannot drift apart.
 */
import { randomBytes, randomUUID } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { flyProvider } from "../../../components/platforms/flyAdapter";
import { railwayProvider } from "../../../components/platforms/railwayAdapter";
import { renderProvider } from "../../../components/platforms/renderAdapter";
import type { FaultMatch, LoggedRequest } from "@pegasus-secrets/platform-fakes";
import { FakeFly } from "@pegasus-secrets/platform-fakes";
import { FakeRailway } from "@pegasus-secrets/platform-fakes";
import { FakeRender } from "@pegasus-secrets/platform-fakes";
import { FAST_HTTP, Held, setEnv } from "./kit";

const hex = (n: number) => randomBytes(n).toString("hex");

/** Where one test's variables go; opaque outside its case. */
export interface Dest {
  /** Render: group name + service; Fly: app; Railway: project/environment/service. */
  [k: string]: string;
}

/** A platform under test. */
export interface PlatformCase {
  platform: "render" | "fly" | "railway";
  provider: pulumi.dynamic.ResourceProvider;
  /** The credential variable. */
  tokenEnv: string;
  /** The fake (typed loosely: only the shared FakeServer API is used here). */
  fake: FakeRender | FakeFly | FakeRailway;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Environment the provider needs to reach the fake. */
  env(): Record<string, string>;
  /** A fresh destination (its own group/app/service), so tests never share state. */
  newDest(): Dest;
  inputs(
    dest: Dest,
    secrets: Record<string, string>,
    vars: Record<string, string>,
    extra?: Record<string, unknown>,
  ): Record<string, unknown>;
  /** What the platform holds at the destination, every key (ours and others'). */
  platformValues(dest: Dest, held: Held | undefined): Record<string, string>;
  /** Someone else changes or removes a key at the destination. */
  setOutOfBand(dest: Dest, held: Held | undefined, key: string, value: string | undefined): void;
  /** Someone deletes the destination outside Pulumi (the Render group, the Fly app, the Railway service). */
  removeDest(dest: Dest, held: Held): void;
  /** Someone recreates the destination the stack does not create itself (Fly app, Railway service). */
  restoreDest(dest: Dest): void;
  /** Activations recorded at the destination (deploys, machine updates, redeploys). */
  activations(dest: Dest): number;
  /** How many activation requests one activation of this destination takes. */
  activationsPerRun: number;
  /** Requests to the destination's API that write. */
  isWrite(r: LoggedRequest): boolean;
  /** Writes of variable values (not activations): one bulk call, or one per key. */
  isValueWrite(r: LoggedRequest): boolean;
  /** Value writes a rotation of `n` keys takes. */
  valueWritesFor(n: number): number;
  /** The first request of a create (a read of the destination). */
  firstRead: FaultMatch;
  /** The first value write of a create. */
  createWrite: FaultMatch;
  /** The activation request. */
  activation: FaultMatch;
}

/** Render: one env group per test, linked to one web service. */
export function renderCase(): PlatformCase & { fake: FakeRender } {
  const fake = new FakeRender();
  return {
    platform: "render",
    provider: renderProvider,
    tokenEnv: "RENDER_API_KEY",
    fake,
    start: async () => void (await fake.start()),
    stop: () => fake.stop(),
    env: () => ({ RENDER_API_URL: fake.url, RENDER_API_KEY: fake.token }),
    newDest: () => {
      const serviceId = `srv-${hex(8)}`;
      fake.addService({ id: serviceId, name: `api-${serviceId}`, type: "web" });
      return { name: `pegasus-test-${hex(4)}`, serviceId };
    },
    inputs: (dest, secrets, vars, extra = {}) => ({
      ownerId: fake.ownerId,
      name: dest.name,
      serviceIds: [dest.serviceId],
      activation: "deploy",
      adopt: false,
      vars,
      secrets,
      ...extra,
    }),
    platformValues: (dest) => {
      const ids = fake.envGroupIdsByName(dest.name);
      return ids.length === 0 ? {} : fake.envGroupVars(ids[0]);
    },
    setOutOfBand: (dest, _held, key, v) => {
      let ids = fake.envGroupIdsByName(dest.name);
      if (ids.length === 0) ids = [fake.seedEnvGroup({ name: dest.name })];
      fake.setVarOutOfBand(ids[0], key, v);
    },
    removeDest: (_dest, held) => fake.deleteEnvGroupOutOfBand(held.id),
    restoreDest: () => undefined,
    activations: (dest) => fake.deploysFor(dest.serviceId).length,
    activationsPerRun: 1,
    isWrite: (r) => r.method !== "GET",
    isValueWrite: (r) =>
      r.operation === "create-env-group" ||
      r.operation === "update-env-group-env-var" ||
      r.operation === "delete-env-group-env-var",
    valueWritesFor: (n) => n,
    firstRead: { operation: "list-env-groups" },
    createWrite: { operation: "create-env-group" },
    activation: { operation: "create-deploy" },
  };
}

/** Fly.io: one app per test, with a running and a stopped machine. */
export function flyCase(): PlatformCase & { fake: FakeFly } {
  const fake = new FakeFly();
  const addApp = (app: string) => {
    const config = { image: "registry.example/pegasus:1", env: { PORT: "8080" } };
    fake.addApp(app, {
      machines: [
        { id: `m1${hex(6)}`, config, state: "started" },
        { id: `m2${hex(6)}`, config, state: "stopped" },
      ],
    });
  };
  return {
    platform: "fly",
    provider: flyProvider,
    tokenEnv: "FLY_API_TOKEN",
    fake,
    start: async () => void (await fake.start()),
    stop: () => fake.stop(),
    env: () => ({ FLY_API_URL: fake.url, FLY_API_TOKEN: fake.token }),
    newDest: () => {
      const app = `pegasus-test-${hex(4)}`;
      addApp(app);
      return { app };
    },
    inputs: (dest, secrets, vars, extra = {}) => ({
      app: dest.app,
      activation: "update-machines",
      adopt: false,
      vars,
      secrets,
      ...extra,
    }),
    platformValues: (dest) =>
      fake.hasApp(dest.app)
        ? Object.fromEntries(
            fake.secretNames(dest.app).map((n) => [n, fake.secretValue(dest.app, n)!]),
          )
        : {},
    setOutOfBand: (dest, _held, key, v) => fake.setSecretOutOfBand(dest.app, key, v),
    removeDest: (dest) => fake.removeApp(dest.app),
    restoreDest: (dest) => addApp(dest.app),
    activations: (dest) => fake.machineUpdates(dest.app).length,
    activationsPerRun: 2,
    isWrite: (r) => r.method !== "GET",
    isValueWrite: (r) => r.operation === "Secrets_update",
    valueWritesFor: () => 1,
    firstRead: { operation: "Secrets_list" },
    createWrite: { operation: "Secrets_update" },
    activation: { operation: "Machines_update" },
  };
}

/** Railway: one project with one service per test. */
export function railwayCase(): PlatformCase & { fake: FakeRailway } {
  const fake = new FakeRailway();
  const scopeOf = (dest: Dest) => ({
    projectId: dest.projectId,
    environmentId: dest.environmentId,
    serviceId: dest.serviceId,
  });
  const addProject = (dest: Dest) =>
    fake.addProject({
      id: dest.projectId,
      environments: [{ id: dest.environmentId, name: "staging" }],
      services: [{ id: dest.serviceId, name: "api" }],
    });
  return {
    platform: "railway",
    provider: railwayProvider,
    tokenEnv: "RAILWAY_API_TOKEN",
    fake,
    start: async () => void (await fake.start()),
    stop: () => fake.stop(),
    env: () => ({ RAILWAY_API_URL: fake.url, RAILWAY_API_TOKEN: fake.token }),
    newDest: () => {
      const dest = {
        projectId: randomUUID(),
        environmentId: randomUUID(),
        serviceId: randomUUID(),
      };
      addProject(dest);
      fake.seedDeployment(scopeOf(dest));
      return dest;
    },
    inputs: (dest, secrets, vars, extra = {}) => ({
      ...scopeOf(dest),
      activation: "redeploy",
      adopt: false,
      vars,
      secrets,
      ...extra,
    }),
    platformValues: (dest) => fake.variablesOf(scopeOf(dest)),
    setOutOfBand: (dest, _held, key, v) => fake.setVariableOutOfBand(scopeOf(dest), key, v),
    removeDest: (dest) => fake.removeService(dest.projectId, dest.serviceId),
    restoreDest: (dest) => addProject(dest),
    activations: (dest) =>
      fake.deploymentsFor(dest.serviceId).filter((d) => d.trigger !== "seed").length,
    activationsPerRun: 1,
    isWrite: (r) => /^\s*mutation/.test(String((r.body as { query?: string })?.query ?? "")),
    isValueWrite: (r) =>
      r.operation === "PegasusVariableCollectionUpsert" || r.operation === "PegasusVariableDelete",
    valueWritesFor: () => 1,
    firstRead: { operation: "PegasusVariables" },
    createWrite: { operation: "variableCollectionUpsert" },
    activation: { operation: "serviceInstanceRedeploy" },
  };
}

/** Starts a case's fake and points the providers at it with fast HTTP timing. */
export async function startCase(c: PlatformCase): Promise<() => Promise<void>> {
  await c.start();
  const restore = setEnv({ ...c.env(), ...FAST_HTTP });
  return async () => {
    restore();
    await c.stop();
  };
}

/** What a platform spec body gets: the case, and counters over the requests its fake logged. */
export interface CaseContext {
  c: PlatformCase;
  count(pred: (r: LoggedRequest) => boolean): number;
  opCount(operation: string): number;
}

const context = (c: PlatformCase): CaseContext => {
  const count = (pred: (r: LoggedRequest) => boolean) => c.fake.requests.filter(pred).length;
  return { c, count, opCount: (op) => count((r) => r.operation === op) };
};

/**
 * Declares `body` once per platform, each against its own fake, started before and stopped after.
 * The log and faults are cleared before each test, and after each one every request it sent must
 * have matched the platform's contract.
 */
export function eachPlatform(title: string, body: (ctx: CaseContext) => void): void {
  const cases: [string, () => PlatformCase][] = [
    ["render", renderCase],
    ["fly", flyCase],
    ["railway", railwayCase],
  ];
  describe.each(cases)(`%s: ${title}`, (_name, make) => {
    const c = make();
    let stop: () => Promise<void>;
    beforeAll(async () => {
      stop = await startCase(c);
    });
    afterAll(() => stop());
    beforeEach(() => {
      c.fake.clearLog();
      c.fake.clearFaults();
    });
    afterEach(() => {
      expect(c.fake.violations).toEqual([]);
    });
    body(context(c));
  });
}

/** Runs `fn` against a fresh case of one platform, its fake started for the test and stopped after. */
export async function withCase<T extends PlatformCase>(
  make: () => T,
  fn: (c: T, ctx: CaseContext) => Promise<void>,
): Promise<void> {
  const c = make();
  const stop = await startCase(c);
  try {
    await fn(c, context(c));
    expect(c.fake.violations).toEqual([]);
  } finally {
    await stop();
  }
}
