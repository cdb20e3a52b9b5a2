/**
 * Render's adapter and component: what the component refuses before declaring anything, how a
 * change is activated, and that refresh and destroy act on the group the state records. The shared
 * lifecycle runs in test/components/delivery; what the program declares is checked through the plan
 * (declare.spec.ts) and the SDK's own loader (provider.host.spec.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { RenderEnvGroup, RenderEnvGroupArgs } from "../../../components/platforms";
import { installMocks } from "../../mocks";
import { renderCase, withCase } from "./cases";
import { Held, refresh, up, value } from "./kit";

const renderArgs = (over: Partial<RenderEnvGroupArgs> = {}): RenderEnvGroupArgs => ({
  ownerId: "tea-abcd1234",
  groupName: "pegasus-staging-api",
  serviceIds: ["srv-abcd1234"],
  vars: { PLC_STORAGE_DIR: "/srv/plc" },
  secrets: { JWT_SECRET: pulumi.secret(value()) },
  ...over,
});

describe("RenderEnvGroup", () => {
  beforeAll(async () => {
    await installMocks();
  });

  it.each([
    [
      renderArgs({ ownerId: "my-team" }),
      'RenderEnvGroup: `ownerId` "my-team" must be a Render workspace ID such as tea-abc123 (or usr-... for a personal account).',
    ],
    [
      renderArgs({ serviceIds: [] }),
      "RenderEnvGroup: `serviceIds` must list at least one Render service.",
    ],
    [
      renderArgs({ vars: { "plc-dir": "/x" } }),
      'RenderEnvGroup: variable name "plc-dir" is not valid: expected upper-case letters, digits and underscores, not starting with a digit.',
    ],
    [
      renderArgs({ vars: { JWT_SECRET: "/x" } }),
      'RenderEnvGroup: "JWT_SECRET" is in both `vars` and `secrets`; pass it once.',
    ],
    [
      renderArgs({ vars: {}, secrets: {} }),
      "RenderEnvGroup: `vars` and `secrets` are both empty; nothing to deliver.",
    ],
    [
      renderArgs({ activation: "redeploy" as never }),
      "RenderEnvGroup: `activation` must be deploy, restart or none.",
    ],
  ])("refuses bad args (%#)", (args, message) => {
    expect(() => new RenderEnvGroup("bad", args)).toThrow(message);
  });
});

describe("the Render adapter", () => {
  it("activates with a restart instead of a deploy, or not at all", () =>
    withCase(renderCase, async (c) => {
      const dest = c.newDest();
      const secrets = { JWT_SECRET: value() };
      let r = await up(
        c.provider,
        undefined,
        c.inputs(dest, secrets, {}, { activation: "restart" }),
      );
      expect(c.fake.restartsFor(dest.serviceId)).toHaveLength(1);
      expect(c.fake.deploysFor(dest.serviceId)).toHaveLength(0);
      r = await up(
        c.provider,
        r.held,
        c.inputs(dest, { JWT_SECRET: value() }, {}, { activation: "none" }),
      );
      expect(r.action).toBe("update");
      expect(c.fake.restartsFor(dest.serviceId)).toHaveLength(1);
      expect(c.fake.deploysFor(dest.serviceId)).toHaveLength(0);
    }));

  it("refreshes and empties the group the state records, even when the engine's ID names an older group", () =>
    withCase(renderCase, async (c) => {
      const dest = c.newDest();
      const { held } = await up(c.provider, undefined, c.inputs(dest, { JWT_SECRET: value() }, {}));
      // A state whose ID is a group that no longer exists while its properties point to the group
      // that holds the values (what an update that recreated a deleted group used to leave).
      const stale: Held = {
        id: `evg-${held.id.slice(4).split("").reverse().join("")}`,
        outs: held.outs,
      };
      expect(c.fake.hasEnvGroup(stale.id)).toBe(false);
      const read = await refresh(c.provider, stale);
      expect(read?.id).toBe(held.id);
      await c.provider.delete!(stale.id, stale.outs);
      expect(c.fake.hasEnvGroup(held.id)).toBe(false);
    }));
});
