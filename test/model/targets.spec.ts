/** `targets` config: what each platform target accepts, its defaults, and what it refuses. */
import { CATALOG } from "../../catalog";
import { buildModel, ConfigError, Model, planDeliveries } from "../../model";
import { stackRaw } from "../helpers";
import { UUID, VALID_TARGETS } from "./targetFixtures";

const K = "pegasus-secrets";
const build = (stack: string, overrides: Record<string, string | undefined>): Model =>
  buildModel(CATALOG, stack, stackRaw(stack, overrides));
const withTargets = (targets: unknown) => ({ [`${K}:targets`]: JSON.stringify(targets) });
const issuesOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError)
      return err.issues.map((i) => `${i.key}: ${i.problem} Fix: ${i.fix}`);
    throw err;
  }
  throw new Error("expected a ConfigError");
};

const VALID = VALID_TARGETS;

describe("targets config", () => {
  it("is optional: no targets, no deliveries", () => {
    const model = build("staging", { [`${K}:targets`]: undefined });
    expect(model.config.targets).toEqual({});
    expect(planDeliveries(model)).toEqual([]);
  });

  it("applies the defaults", () => {
    const { targets } = build("staging", withTargets(VALID)).config;
    expect(targets.render).toEqual({
      ...VALID.render,
      groupPrefix: "pegasus-staging",
      activation: "deploy",
      adopt: false,
    });
    expect(targets.fly).toEqual({ ...VALID.fly, activation: "update-machines", adopt: false });
    expect(targets.railway).toEqual({ ...VALID.railway, activation: "redeploy", adopt: false });
  });

  it("accepts any subset of platforms and consumers", () => {
    const model = build(
      "production",
      withTargets({ fly: { apps: { worker: "pegasus-p-worker" } } }),
    );
    expect(planDeliveries(model).map((d) => d.name)).toEqual(["fly-worker"]);
  });

  it("refuses mobile, CI and unknown consumers, saying why", () => {
    const targets = {
      render: { ...VALID.render, services: { api: ["srv-api00001"], mobile: ["srv-mob00001"] } },
      fly: { apps: { ci: "pegasus-t-ci" } },
      railway: { ...VALID.railway, services: { cron: UUID(5) } },
    };
    expect(issuesOf(() => build("staging", withTargets(targets)))).toEqual([
      `${K}:targets.render.services.mobile: \`mobile\` never receives a secret (the guide's ownership matrix); only api and worker receive platform deliveries. Fix: pulumi config rm --path 'targets.render.services.mobile' --stack staging`,
      `${K}:targets.fly.apps.ci: CI reads Secret Manager through Cloud Build; it has no Render, Fly.io or Railway target; only api and worker receive platform deliveries. Fix: pulumi config rm --path 'targets.fly.apps.ci' --stack staging`,
      `${K}:targets.railway.services.cron: "cron" is not a consumer that runs on a platform; only api and worker receive platform deliveries. Fix: pulumi config rm --path 'targets.railway.services.cron' --stack staging`,
    ]);
  });

  it("refuses malformed IDs with the rule and the command that fixes them", () => {
    const targets = {
      render: { ownerId: "my-team", services: { api: ["https://dashboard.render.com/web/srv-x"] } },
      fly: { apps: { api: "Pegasus_API" } },
      railway: { projectId: "pegasus", environmentId: UUID(2), services: { api: UUID(3) } },
    };
    expect(issuesOf(() => build("staging", withTargets(targets)))).toEqual([
      `${K}:targets.render.ownerId: "my-team" is not valid: expected a Render workspace ID such as tea-abc123 (or usr-... for a personal account). Fix: pulumi config set --path 'targets.render.ownerId' tea-xxxxxxxxxxxx --stack staging`,
      `${K}:targets.render.services.api[0]: "https://dashboard.render.com/web/srv-x" is not valid: expected a Render service ID such as srv-abc123. Fix: pulumi config set --path 'targets.render.services.api[0]' srv-xxxxxxxxxxxx --stack staging`,
      `${K}:targets.fly.apps.api: "Pegasus_API" is not valid: expected a Fly.io app name: 1 to 63 lower-case letters, digits and hyphens. Fix: pulumi config set --path 'targets.fly.apps.api' pegasus-staging-api --stack staging`,
      `${K}:targets.railway.projectId: "pegasus" is not valid: expected a Railway ID (a lower-case UUID such as 3f2c1a7e-0000-4000-8000-000000000000). Fix: pulumi config set --path 'targets.railway.projectId' <uuid from the Railway dashboard> --stack staging`,
    ]);
  });

  it("refuses one destination for both consumers: their values differ", () => {
    const targets = {
      render: {
        ownerId: "tea-abcd1234",
        services: { api: ["srv-shared001"], worker: ["srv-shared001"] },
      },
      fly: { apps: { api: "pegasus-one", worker: "pegasus-one" } },
    };
    const issues = issuesOf(() => build("staging", withTargets(targets)));
    expect(issues).toEqual([
      `${K}:targets.render.services.worker: Render service "srv-shared001" is also the api's; API and worker get separate values (least privilege), so they need separate Render services. Fix: give worker its own Render service: pulumi config set --path 'targets.render.services.worker' <id> --stack staging`,
      `${K}:targets.fly.apps.worker: Fly app "pegasus-one" is also the api's; API and worker get separate values (least privilege), so they need separate Fly apps. Fix: give worker its own Fly app: pulumi config set --path 'targets.fly.apps.worker' <id> --stack staging`,
    ]);
  });

  it("refuses a target that reaches nobody, and unknown fields", () => {
    const targets = {
      render: { ownerId: "tea-abcd1234", services: { api: [] } },
      fly: { apps: {} },
    };
    expect(issuesOf(() => build("staging", withTargets(targets)))).toEqual([
      `${K}:targets.render.services.api: lists no service, so the env group would reach nobody. Fix: list the api's Render service IDs, or pulumi config rm --path 'targets.render.services.api' --stack staging`,
      `${K}:targets.fly.apps: names no consumer, so this target delivers nothing. Fix: pulumi config set --path 'targets.fly.apps.api' <id> --stack staging, or remove the target: pulumi config rm --path 'targets.fly' --stack staging`,
    ]);
    const typo = { fly: { apps: { api: "pegasus-t-api" }, activaton: "stage" } };
    expect(issuesOf(() => build("staging", withTargets(typo)))[0]).toMatch(
      /^pegasus-secrets:targets\.fly\.activaton: unknown key "activaton": `targets\.fly` takes activation, adopt, apps\. Did you mean activation\? Fix: rename it in Pulumi\.staging\.yaml\./,
    );
  });
});
