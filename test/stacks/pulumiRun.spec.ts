import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { evaluate, readStackConfig } from "../../cli/plan";
import { Deployment } from "../../model";
import { loadConfig, runProgram as runStack, runtimeRawConfig } from "../../stacks";
import { specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { runProgram } from "@pegasus-secrets/test-engine";
import { FixtureProject, projectCopy } from "../fixtures";
import { FIXED_NOW } from "../helpers";

// A copy of the project with the fixture stacks: its program reads its sibling stacks from there,
// never the committed stack files.
let fixture: FixtureProject;
beforeAll(() => {
  fixture = projectCopy("pegasus-pulumi-run-");
});
afterAll(() => fixture.cleanup());

/** The fixture stack's config as the CLI passes it to a program, encrypted values left out. */
const plainConfig = (stack: string, dir = fixture.dir): Record<string, string> => {
  const files = readStackConfig(dir, stack);
  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(files.values))
    if (!files.secretKeys.includes(k)) config[k] = v;
  return config;
};

const isWireSecret = (v: unknown) =>
  typeof v === "object" && v !== null && specialSigKey in (v as object);

/**
 * Loads the program the way `pulumi up` does: the SDK's own `cmd/run` entry point, which compiles
 * index.ts with its ts-node and default compiler options under our tsconfig.json, talking gRPC to a
 * fake engine and resource monitor. Proves the tsconfig works there (a `module: commonjs` tsconfig
 * fails here with TS5110, checked by hand) and that what the real SDK registers is what the offline
 * plan shows. Transpile-only: `npm run build` type-checks the same files once, and a full type check
 * of @pulumi/gcp under ts-node costs most of a minute on two cores.
 */
describe("the program under the SDK's own loader (cmd/run)", () => {
  it("compiles, runs staging, registers exactly the plan's resources, and keeps values secret", async () => {
    const plan = await evaluate({
      projectDir: fixture.dir,
      stack: "staging",
      program: () => runStack({ now: FIXED_NOW, stackFilesDir: fixture.dir }),
    });
    const config = plainConfig("staging");
    const canaries: string[] = [];
    const secretKeys: string[] = [];
    for (const { key } of plan.model.externalKeys) {
      const value = `canary${randomBytes(12).toString("hex")}`;
      canaries.push(value);
      config[`pegasus-secrets:${key}`] = value;
      secretKeys.push(`pegasus-secrets:${key}`);
    }
    const generated = `canary${randomBytes(12).toString("hex")}`;
    const r = await runProgram({
      projectDir: fixture.dir,
      project: "pegasus-secrets",
      stack: "staging",
      config,
      secretKeys,
      outputs: (reg) =>
        reg.type === "random:index/randomPassword:RandomPassword"
          ? { result: generated }
          : undefined,
      timeoutMs: 90_000,
      env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
    });
    expect({ exitCode: r.exitCode, errors: r.logs.filter((l) => l.severity === "error") }).toEqual({
      exitCode: 0,
      errors: [],
    });

    const registered = r.resources
      .filter((x) => x.type !== "pulumi:pulumi:Stack")
      .map((x) => `${x.type}::${x.name}`)
      .sort();
    expect(registered).toEqual(plan.resources.map((x) => `${x.type}::${x.name}`).sort());

    const versions = r.resources.filter(
      (x) => x.type === "gcp:secretmanager/secretVersion:SecretVersion",
    );
    expect(versions.length).toBe(plan.model.secrets.length);
    for (const v of versions) expect(isWireSecret(v.inputs.secretData)).toBe(true);

    const outputs = JSON.stringify(r.stackOutputs);
    for (const c of [...canaries, generated]) expect(outputs).not.toContain(c);
    expect(Object.keys(r.stackOutputs).sort()).toEqual(Object.keys(plan.outputs).sort());
  }, 120_000);

  it("refuses a real pulumi up of production outside CI before declaring anything", async () => {
    const config = plainConfig("production");
    const r = await runProgram({
      projectDir: fixture.dir,
      project: "pegasus-secrets",
      stack: "production",
      config,
      timeoutMs: 90_000,
      // Whatever machine runs the tests (CI included), this run is a workstation's.
      env: {
        PULUMI_NODEJS_TRANSPILE_ONLY: "true",
        GITHUB_ACTIONS: "false",
        PEGASUS_BREAK_GLASS: "",
      },
    });
    expect(r.exitCode).not.toBe(0);
    const errors = r.logs
      .filter((l) => l.severity === "error")
      .map((l) => l.message)
      .join("\n");
    expect(errors).toContain(
      "Refusing pulumi up --stack production outside CI: production credentials are never used on a workstation",
    );
    expect(r.resources.filter((x) => x.type !== "pulumi:pulumi:Stack")).toEqual([]);
  }, 120_000);

  // The guard itself runs under the mocks with a deployment that applies: a real run of the SDK's
  // loader costs seconds, and the one above already shows a real run is detected as applying.
  it("refuses a deployment that applies while placeholder IDs remain, naming each one", async () => {
    const text = fs
      .readFileSync(path.join(fixture.dir, "Pulumi.staging.yaml"), "utf8")
      .replace(/ownerId: \S+/, "ownerId: tea-examplestaging0");
    const placeholders = projectCopy("pegasus-placeholders-");
    try {
      fs.writeFileSync(path.join(placeholders.dir, "Pulumi.staging.yaml"), text);
      const applying: Deployment = {
        applying: true,
        ci: null,
        breakGlassIncident: null,
        freeze: null,
      };
      await expect(
        evaluate({
          projectDir: placeholders.dir,
          stack: "staging",
          program: () => {
            loadConfig(runtimeRawConfig(), applying, placeholders.dir);
            return {};
          },
        }),
      ).rejects.toThrow(
        "`pegasus-secrets:targets.render.ownerId`: \"tea-examplestaging0\" is a placeholder Render workspace ID, not a real one. A real pulumi up refuses it. Fix: pulumi config set --path 'targets.render.ownerId' tea-<your workspace ID> --stack staging",
      );
    } finally {
      placeholders.cleanup();
    }
  });
});
