// The bounded polling of a readiness endpoint that the rollout gate and `verify` share, against a
// local service on 127.0.0.1.
import * as net from "net";
import { waitUntilReady } from "../../lib/readiness";
import { LocalService, startLocalService } from "../runbook/server";

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
