import { randomBytes } from "crypto";
import { readStackConfig } from "../../cli/plan";
import { runProgram } from "@pegasus-secrets/test-engine";
import { planStack, PROJECT_DIR } from "../helpers";

const SIG = "4dabf18193072939515e22adb298388d";
const isWireSecret = (v: unknown) => typeof v === "object" && v !== null && SIG in (v as object);

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
    const files = readStackConfig(PROJECT_DIR, "staging");
    const plan = await planStack("staging");
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries(files.values))
      if (!files.secretKeys.includes(k)) config[k] = v;
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
      projectDir: PROJECT_DIR,
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
});
