// The readiness gate of the staggered production rollout: its dynamic provider, directly and
// serialized then loaded as the SDK's dynamic-provider host loads it. The polling it shares with
// `verify` is tested in test/lib/readiness.spec.ts. Not proven here: a real `pulumi up` (no Pulumi
// CLI on this machine).
import * as pulumi from "@pulumi/pulumi";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { gateTrigger } from "../../../model/rollout";
import { readinessProvider } from "../../../components/rollout/readinessCheck";
import { ReadinessGate } from "../../../components/rollout/readinessGate";
import { loadAsHost } from "../../helpers";
import { installMocks } from "../../mocks";
import { LocalService, startLocalService } from "../../runbook/server";

/** The gate's inputs against one path of the local service: short intervals, two successes. */
const gateInputs = (svc: LocalService, path: string, timeoutMs: number) => ({
  service: "api",
  url: `${svc.url}${path}`,
  trigger: "JWT_SECRET=2026-11-29.1",
  timeoutMs,
  intervalMs: 20,
  requestTimeoutMs: 1000,
  successes: 2,
});

describe("the gate's dynamic provider", () => {
  let svc: LocalService;
  beforeAll(async () => {
    svc = await startLocalService();
  });
  afterAll(() => svc.stop());
  const inputs = (path: string, timeoutMs = 3000) => gateInputs(svc, path, timeoutMs);

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
    expect(
      (await readinessProvider.diff!("id", olds, { ...olds, trigger: unknownValue })).changes,
    ).toBe(true);
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
    provider = loadAsHost(code);
  });
  afterAll(() => svc.stop());
  const props = (path: string, timeoutMs = 3000) => gateInputs(svc, path, timeoutMs);

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
