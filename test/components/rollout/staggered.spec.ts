/**
 * Production's staggered rollout as declared under Pulumi's runtime mocks: every delivery of a
 * service, then that service's readiness gate, and the next service's deliveries only after it.
 * The mocks register a resource once everything it depends on has registered, so the order of
 * registrations shows the `dependsOn` edges. The gate's provider is tested in readinessGate.spec.ts
 * and the production plan's graph in test/runbook/walkthrough.spec.ts.
 */
import { randomBytes } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { CATALOG } from "../../../catalog";
import { declareStaggeredDeliveries, DeliveryValues } from "../../../components";
import {
  buildModel,
  gateTrigger,
  Model,
  planDeliveries,
  RolloutConfig,
  serviceKeepers,
} from "../../../model";
import { settle, stackRaw } from "../../helpers";
import { installMocks } from "../../mocks";

let seen: pulumi.runtime.MockResourceArgs[];
let model: Model;
let rollout: RolloutConfig;
beforeAll(async () => {
  seen = await installMocks("production");
  model = buildModel(CATALOG, "production", stackRaw("production"));
  rollout = model.config.rollout!;
});
beforeEach(() => {
  seen.length = 0;
});

/** Values and their stores as the stack would pass them: one store resource per stored secret. */
function values(): DeliveryValues {
  const stores = new Map<string, pulumi.Resource>();
  return {
    valueOf: () => pulumi.secret(`v${randomBytes(18).toString("hex")}`),
    storeOf: (s) => {
      if (!stores.has(s.secretId)) {
        stores.set(s.secretId, new pulumi.ComponentResource("test:index:Store", s.secretId));
      }
      return stores.get(s.secretId)!;
    },
  };
}

describe("declareStaggeredDeliveries", () => {
  it("applies one service at a time: its deliveries, its gate, and only then the next service", async () => {
    const deliveries = planDeliveries(model);
    const ready = { api: "https://api.example/health/ready", worker: "https://wrk.example/ready" };
    const declared = declareStaggeredDeliveries(model, deliveries, values(), rollout, ready);
    expect(declared.deliveries.map((d) => d.model)).toEqual(deliveries);
    expect(declared.gates.map((g) => g.service)).toEqual(["api", "worker"]);
    await Promise.all(declared.gates.map((g) => new Promise((r) => g.gate.readyAt.apply(r))));
    await settle();

    const at = (type: string, name: string) => {
      const i = seen.findIndex((r) => r.type === type && r.name === name);
      expect(i).toBeGreaterThanOrEqual(0);
      return i;
    };
    const check = (service: string) =>
      at("pulumi-nodejs:dynamic/pegasus:ReadinessCheck", `${service}-readiness`);
    const writers = (service: string) =>
      deliveries
        .filter((d) => d.consumer === service)
        .map((d) =>
          seen.findIndex(
            (r) => r.type.startsWith("pulumi-nodejs:dynamic/pegasus:") && r.name === d.name,
          ),
        );
    const components = (service: string) =>
      deliveries
        .filter((d) => d.consumer === service)
        .map((d) =>
          seen.findIndex((r) => r.type.startsWith("pegasus:platforms:") && r.name === d.name),
        );
    expect(writers("api").length).toBeGreaterThan(0);
    for (const i of writers("api")) expect(i).toBeLessThan(check("api"));
    for (const i of components("worker")) expect(i).toBeGreaterThan(check("api"));
    for (const i of writers("worker")) expect(i).toBeLessThan(check("worker"));

    // Each gate follows its own service: its URL, and the names and keepers delivered to it.
    const gate = seen[check("api")].inputs;
    expect(gate).toMatchObject({
      service: "api",
      url: ready.api,
      trigger: gateTrigger(serviceKeepers(deliveries.filter((d) => d.consumer === "api"))),
      timeoutMs: rollout.timeoutSeconds * 1000,
      successes: rollout.successes,
    });
  });

  it("refuses a gated service without a readiness URL, with the command that sets it", async () => {
    expect(() =>
      declareStaggeredDeliveries(model, planDeliveries(model), values(), rollout, {
        api: "https://api.example/health/ready",
      }),
    ).toThrow(
      "The rollout gates worker but `verify.ready.worker` is not set: pulumi config set --path 'verify.ready.worker' https://<worker host>/health/ready --stack production",
    );
    // The api's deliveries were declared before the refusal: let them land under these mocks.
    await settle();
  });
});
