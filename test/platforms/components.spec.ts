/**
 * What the platform components refuse, before declaring anything. What they declare is checked on
 * the real program in targets.spec.ts (plan) and host.spec.ts (the SDK's own loader).
 */
import * as pulumi from "@pulumi/pulumi";
import {
  FlyAppSecrets,
  RailwayVariables,
  RenderEnvGroup,
  RenderEnvGroupArgs,
} from "../../components/platforms";
import { installMocks } from "../mocks";
import { value } from "./kit";

beforeAll(async () => {
  await installMocks();
});

const UUID = "3f2c1a7e-0000-4000-8000-000000000001";
const renderArgs = (over: Partial<RenderEnvGroupArgs> = {}): RenderEnvGroupArgs => ({
  ownerId: "tea-abcd1234",
  groupName: "pegasus-staging-api",
  serviceIds: ["srv-abcd1234"],
  vars: { PLC_STORAGE_DIR: "/srv/plc" },
  secrets: { JWT_SECRET: pulumi.secret(value()) },
  ...over,
});

describe("platform components", () => {
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
  ])("RenderEnvGroup refuses bad args (%#)", (args, message) => {
    expect(() => new RenderEnvGroup("bad", args)).toThrow(message);
  });

  it("FlyAppSecrets and RailwayVariables refuse malformed destinations", () => {
    const vars = { PLC_STORAGE_DIR: "/srv/plc" };
    expect(() => new FlyAppSecrets("bad", { app: "Pegasus_API", vars, secrets: {} })).toThrow(
      'FlyAppSecrets: `app` "Pegasus_API" must be a Fly.io app name: 1 to 63 lower-case letters, digits and hyphens.',
    );
    expect(
      () =>
        new RailwayVariables("bad", {
          projectId: UUID,
          environmentId: "production",
          serviceId: UUID,
          vars,
          secrets: {},
        }),
    ).toThrow(
      'RailwayVariables: `environmentId` "production" must be a Railway ID (a lower-case UUID such as 3f2c1a7e-0000-4000-8000-000000000000).',
    );
  });
});
