/**
 * Railway's adapter and component: what the component refuses, and how a change is written and
 * activated (deploys skipped, then one redeploy, or none; never the environment's shared
 * variables). The shared lifecycle runs in test/components/delivery.
 */
import { RailwayVariables } from "../../../components/platforms";
import { installMocks } from "../../mocks";
import { railwayCase, withCase } from "./cases";
import { up, value } from "./kit";

const UUID = "3f2c1a7e-0000-4000-8000-000000000001";

describe("RailwayVariables", () => {
  beforeAll(async () => {
    await installMocks();
  });

  it("refuses a malformed project, environment or service ID", () => {
    expect(
      () =>
        new RailwayVariables("bad", {
          projectId: UUID,
          environmentId: "production",
          serviceId: UUID,
          vars: { PLC_STORAGE_DIR: "/srv/plc" },
          secrets: {},
        }),
    ).toThrow(
      'RailwayVariables: `environmentId` "production" must be a Railway ID (a lower-case UUID such as 3f2c1a7e-0000-4000-8000-000000000000).',
    );
  });
});

describe("the Railway adapter", () => {
  it("writes with deploys skipped, then exactly one redeploy, or none", () =>
    withCase(railwayCase, async (c) => {
      const dest = c.newDest();
      const r = await up(
        c.provider,
        undefined,
        c.inputs(dest, { JWT_SECRET: value() }, { PLC_STORAGE_DIR: "/x" }),
      );
      const deployments = c.fake.deploymentsFor(dest.serviceId).filter((d) => d.trigger !== "seed");
      expect(deployments.map((d) => [d.trigger, d.automatic])).toEqual([
        ["serviceInstanceRedeploy", false],
      ]);
      const upserts = c.fake.requests.filter(
        (x) => x.operation === "PegasusVariableCollectionUpsert",
      );
      expect(
        upserts.map(
          (x) => (x.body as { variables: { input: Record<string, unknown> } }).variables.input,
        ),
      ).toEqual([expect.objectContaining({ serviceId: dest.serviceId, skipDeploys: true })]);
      await up(
        c.provider,
        r.held,
        c.inputs(dest, { JWT_SECRET: value() }, { PLC_STORAGE_DIR: "/x" }, { activation: "none" }),
      );
      expect(
        c.fake.deploymentsFor(dest.serviceId).filter((d) => d.trigger !== "seed"),
      ).toHaveLength(1);
      // Only the service's variables: the environment's shared ones are never touched.
      expect(
        c.fake.variablesOf({ projectId: dest.projectId, environmentId: dest.environmentId }),
      ).toEqual({});
    }));
});
