/**
 * What a delivery component declares, under Pulumi's runtime mocks: its component type, one dynamic
 * resource of the platform's type with the identity, activation and maps as inputs (secret values
 * wrapped as secret), the platform's first activation as the default, and its outputs. Serialization and the real registration options are checked in provider.host.spec.ts.
 */
import { randomBytes } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { FlyAppSecrets, RailwayVariables, RenderEnvGroup } from "../../../components/platforms";
import { FLY_ACTIVATIONS, RAILWAY_ACTIVATIONS, RENDER_ACTIVATIONS } from "../../../model/targets";
import { isSecret, settle, unwrap } from "../../helpers";
import { installMocks, isSecretInput } from "../../mocks";

const UUID = (n: number) => `3f2c1a7e-0000-4000-8000-00000000000${n}`;
const value = () => `v${randomBytes(18).toString("hex")}`;
let seen: pulumi.runtime.MockResourceArgs[];
beforeAll(async () => {
  seen = await installMocks();
});
beforeEach(() => {
  seen.length = 0;
});

describe("delivery components", () => {
  const vars = { PLC_STORAGE_DIR: "/srv/plc" };
  const declare = {
    render: () =>
      new RenderEnvGroup("render-api", {
        ownerId: "tea-abcd1234",
        groupName: "pegasus-staging-api",
        serviceIds: ["srv-abcd1234"],
        vars,
        secrets: { JWT_SECRET: value(), DATABASE_URL: value() },
      }),
    fly: () =>
      new FlyAppSecrets("fly-api", {
        app: "pegasus-staging-api",
        vars,
        secrets: { JWT_SECRET: value(), DATABASE_URL: value() },
      }),
    railway: () =>
      new RailwayVariables("railway-api", {
        projectId: UUID(1),
        environmentId: UUID(2),
        serviceId: UUID(3),
        vars,
        secrets: { JWT_SECRET: value(), DATABASE_URL: value() },
      }),
  };
  it.each([
    [
      "render",
      "RenderEnvGroup",
      {
        ownerId: "tea-abcd1234",
        name: "pegasus-staging-api",
        serviceIds: ["srv-abcd1234"],
        activation: RENDER_ACTIVATIONS[0],
      },
    ],
    ["fly", "FlyAppSecrets", { app: "pegasus-staging-api", activation: FLY_ACTIVATIONS[0] }],
    [
      "railway",
      "RailwayVariables",
      {
        projectId: UUID(1),
        environmentId: UUID(2),
        serviceId: UUID(3),
        activation: RAILWAY_ACTIVATIONS[0],
      },
    ],
  ] as const)("%s: one %s component and its writer", async (platform, type, identity) => {
    const component = declare[platform]();
    expect(await unwrap(component.keys)).toEqual(["DATABASE_URL", "JWT_SECRET", "PLC_STORAGE_DIR"]);
    await settle();
    expect(seen.map((r) => `${r.type}::${r.name}`)).toEqual([
      `pegasus:platforms:${type}::${platform}-api`,
      `pulumi-nodejs:dynamic/pegasus:${type}::${platform}-api`,
    ]);
    const { __provider: provider, secrets, ...inputs } = seen[1].inputs;
    expect(typeof provider).toBe("string");
    expect(inputs).toEqual({ ...identity, adopt: false, vars });
    // Secret although the caller passed plain strings. (The mocks mark the whole map; through the
    // engine each value is a secret of its own, which provider.host.spec.ts checks.)
    expect(isSecretInput(secrets)).toBe(true);
    expect(Object.keys((secrets as { value: object }).value).sort()).toEqual([
      "DATABASE_URL",
      "JWT_SECRET",
    ]);
  });

  it("exposes the writer and its platform outputs: Render's group ID, Fly.io's secrets version", async () => {
    const render = declare.render();
    const fly = declare.fly();
    expect(render.delivery).toBeInstanceOf(pulumi.CustomResource);
    expect(pulumi.Output.isInstance(render.envGroupId)).toBe(true);
    expect(pulumi.Output.isInstance(fly.secretsVersion)).toBe(true);
    expect(await isSecret(render.keys)).toBe(false);
    await settle();
  });
});
