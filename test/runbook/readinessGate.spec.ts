// The readiness gate of the staggered production rollout: the polling it shares with `verify`, its
// dynamic provider (directly, and serialized then loaded as the SDK's dynamic-provider host loads it), and
// the order it computes. Not proven here: a real `pulumi up` (no Pulumi CLI on this machine).
import * as net from "net";
import * as pulumi from "@pulumi/pulumi";
import { gateTrigger, rolloutSteps } from "../../model/rollout";
import { waitUntilReady } from "../../lib/readiness";
import { ReadinessGate, readinessProvider } from "../../components/rollout/readinessGate";
import { installMocks } from "../mocks";
import { LocalService, startLocalService } from "./server";

// What `@pulumi/pulumi/cmd/dynamic-provider` loads a serialized provider with (an SDK dependency).

const requireFromString = require("require-from-string") as (code: string) => {
  handler(): pulumi.dynamic.ResourceProvider;
};

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("waitUntilReady: bounded polling of /health/ready", () => {
  let svc: LocalService;
  beforeAll(async () => {
    svc = await startLocalService();
  });
  beforeEach(() => svc.reset());
  afterAll(() => svc.stop());
  const poll = (path: string, over: Partial<Parameters<typeof waitUntilReady>[0]> = {}) =>
    waitUntilReady({
      url: `${svc.url}${path}`,
      // Generous per request (a loaded CI machine), short only where a test expects failure.
      timeoutMs: 3000,
      intervalMs: 20,
      requestTimeoutMs: 1000,
      successes: 1,
      ...over,
    });

  it("ready: passes at once, or after the consecutive successes it needs", async () => {
    expect(await poll("/ready")).toMatchObject({ ready: true, attempts: 1, lastStatus: 200 });
    expect(await poll("/api/ready", { successes: 3 })).toMatchObject({ ready: true, attempts: 3 });
  });

  it("never ready: gives up at the timeout with the last status", async () => {
    const t0 = Date.now();
    const r = await poll("/never", { timeoutMs: 300 });
    expect(r).toMatchObject({ ready: false, lastStatus: 503, lastError: null });
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it("slow: each request is cut at its timeout", async () => {
    const r = await poll("/slow", { timeoutMs: 500, requestTimeoutMs: 200 });
    expect(r.ready).toBe(false);
    expect(r.lastError).toMatch(/^timed out after \d+ ms$/);
    expect(r.elapsedMs).toBeLessThan(2000);
  });

  it("flaky: a failure resets the streak, then it passes", async () => {
    svc.flakyFailures = 2;
    expect(await poll("/flaky", { successes: 2 })).toMatchObject({ ready: true, attempts: 4 });
  });

  it("nothing listening: reports the connection error", async () => {
    // A port that was just free: bind it, note it, close it.
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((r) => server.close(r));
    const r = await waitUntilReady({
      url: `http://127.0.0.1:${port}/ready`,
      timeoutMs: 100,
      intervalMs: 20,
      requestTimeoutMs: 50,
      successes: 1,
    });
    expect(r).toMatchObject({ ready: false, lastStatus: null, lastError: "ECONNREFUSED" });
  });
});

describe("the gate's dynamic provider", () => {
  let svc: LocalService;
  beforeAll(async () => {
    svc = await startLocalService();
  });
  afterAll(() => svc.stop());
  const inputs = (path: string, timeoutMs = 3000) => ({
    service: "api",
    url: `${svc.url}${path}`,
    trigger: "JWT_SECRET=2026-11-29.1",
    timeoutMs,
    intervalMs: 20,
    requestTimeoutMs: 1000,
    successes: 2,
  });

  it("lets the update through when the service is ready", async () => {
    const r = await readinessProvider.create!(inputs("/ready"));
    expect(r.id).toBe("api-readiness");
    expect(r.outs).toMatchObject({ service: "api", attempts: 2, lastStatus: 200 });
  });

  it("fails the update, naming the service and what to do, when it never becomes ready", async () => {
    await expect(
      readinessProvider.update!("api-readiness", {}, inputs("/never", 300)),
    ).rejects.toThrow(
      new RegExp(
        `^api did not become ready at ${svc.url.replace(/\./g, "\\.")}/never: not ready after 0\\.\\d s \\(\\d+ attempts\\): last answer HTTP 503\\. ` +
          "The rollout stops here; services after api keep their current values\\. " +
          "Check api's logs, fix the value \\(or roll the keeper back\\), then run pulumi up again\\.$",
      ),
    );
  });

  it("runs again when the trigger changes, and never answers no-change for an unknown input", async () => {
    const olds = inputs("/ready");
    expect((await readinessProvider.diff!("id", olds, { ...olds })).changes).toBe(false);
    expect(
      (await readinessProvider.diff!("id", olds, { ...olds, trigger: "JWT_SECRET=2026-11-29.2" }))
        .changes,
    ).toBe(true);
    expect((await readinessProvider.diff!("id", olds, { ...olds, trigger: UNKNOWN })).changes).toBe(
      true,
    );
    expect((await readinessProvider.check!({}, { ...olds, url: "ftp://x" })).failures).toEqual([
      { property: "url", reason: "url must be an http(s) URL" },
    ]);
  });
});

describe("serialized, loaded the way the SDK's dynamic-provider host loads it", () => {
  let svc: LocalService;
  let code = "";
  let provider: pulumi.dynamic.ResourceProvider;
  beforeAll(async () => {
    svc = await startLocalService();
    const seen = await installMocks("production");
    const gate = new ReadinessGate("api-readiness", {
      service: "api",
      url: `${svc.url}/api/ready`,
      trigger: gateTrigger({ JWT_SECRET: "2026-11-29.1" }),
      timeoutSeconds: 0.5,
      intervalSeconds: 0.02,
      requestTimeoutSeconds: 0.2,
      successes: 2,
    });
    await new Promise((r) => gate.readyAt.apply(r));
    code = String(
      seen.find((a) => a.type === "pulumi-nodejs:dynamic/pegasus:ReadinessCheck")!.inputs
        .__provider,
    );
    // `@pulumi/pulumi/cmd/dynamic-provider` does exactly this with the `__provider` input.
    provider = requireFromString(code).handler();
  });
  afterAll(() => svc.stop());
  const props = (path: string, timeoutMs = 3000) => ({
    service: "api",
    url: `${svc.url}${path}`,
    trigger: "JWT_SECRET=2026-11-29.1",
    timeoutMs,
    intervalMs: 20,
    requestTimeoutMs: 1000,
    successes: 2,
  });

  it("carries its polling code and nothing from the program's config or environment", () => {
    expect(code).toContain("exports.handler");
    expect(code).toContain("waitUntilReady");
    expect(code).not.toMatch(/process\.env|getConfig|requireSecret/);
  });

  it("creates when the service is ready, and fails when it is not", async () => {
    expect((await provider.create!(props("/ready"))).outs).toMatchObject({
      service: "api",
      attempts: 2,
      lastStatus: 200,
    });
    await expect(provider.create!(props("/never", 300))).rejects.toThrow(
      `api did not become ready at ${svc.url}/never`,
    );
  });
});

describe("the rollout order (the declared graph is checked in walkthrough.spec.ts)", () => {
  it("orders the delivered services by rollout.order and refuses one left out", () => {
    expect(rolloutSteps(["worker", "api"], ["api", "worker"])).toEqual([
      { service: "worker", after: null },
      { service: "api", after: "worker" },
    ]);
    expect(rolloutSteps(["api", "worker"], ["worker"])).toEqual([
      { service: "worker", after: null },
    ]);
    expect(() => rolloutSteps(["api"], ["api", "worker"])).toThrow(
      "`rollout.order` does not list worker, which this stack delivers to: add it (pulumi config set --path 'rollout.order[1]' worker --stack production).",
    );
  });
});
