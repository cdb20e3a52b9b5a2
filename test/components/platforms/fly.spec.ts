/**
 * Fly.io's adapter and component: what the component refuses, and how machines pick up a change
 * (updated with `min_secrets_version`, stopped ones left stopped, or nothing when staged). The shared
 * lifecycle runs in test/components/delivery.
 */
import { FlyAppSecrets } from "../../../components/platforms";
import { installMocks } from "../../mocks";
import { flyCase, withCase } from "./cases";
import { up, value } from "./kit";

describe("FlyAppSecrets", () => {
  beforeAll(async () => {
    await installMocks();
  });

  it("refuses a malformed app name", () => {
    const vars = { PLC_STORAGE_DIR: "/srv/plc" };
    expect(() => new FlyAppSecrets("bad", { app: "Pegasus_API", vars, secrets: {} })).toThrow(
      'FlyAppSecrets: `app` "Pegasus_API" must be a Fly.io app name: 1 to 63 lower-case letters, digits and hyphens.',
    );
  });
});

describe("the Fly.io adapter", () => {
  it("stage writes the secrets and leaves the machines alone; machines that are stopped stay stopped", () =>
    withCase(flyCase, async (c) => {
      const dest = c.newDest();
      const r = await up(
        c.provider,
        undefined,
        c.inputs(dest, { JWT_SECRET: value() }, {}, { activation: "stage" }),
      );
      expect(c.fake.machineUpdates(dest.app)).toEqual([]);
      expect(r.held.outs).toMatchObject({
        secretsVersion: c.fake.secretsVersion(dest.app),
        pendingMachineIds: [],
      });
      await up(c.provider, r.held, c.inputs(dest, { JWT_SECRET: value() }, {}));
      const updates = c.fake.requests.filter((x) => x.operation === "Machines_update");
      expect(updates.map((x) => (x.body as { skip_launch?: boolean }).skip_launch)).toEqual([
        undefined,
        true,
      ]);
      for (const u of c.fake.machineUpdates(dest.app)) {
        expect(u).toMatchObject({
          minSecretsVersion: c.fake.secretsVersion(dest.app),
          configChanged: false,
        });
      }
    }));
});
