import * as pulumi from "@pulumi/pulumi";
import { STACKS } from "../model";
import { LoadedConfig, loadConfig, runtimeRawConfig } from "./config";
import { allowedDeployment } from "./deployment";
import { buildProduction } from "./production";
import { StackOptions, StackResult } from "./shared";
import { buildStaging } from "./staging";

export * from "./config";
export { allowedDeployment, runtimeDeployment } from "./deployment";
export * from "./shared";

const REGISTRY: Record<string, (loaded: LoadedConfig, opts?: StackOptions) => StackResult> = {
  staging: buildStaging,
  production: buildProduction,
};

/** Declares the named stack. Throws on a stack this project does not know. */
export function buildStack(stack: string, loaded: LoadedConfig, opts?: StackOptions): StackResult {
  const build = REGISTRY[stack];
  if (!build) {
    throw new Error(
      `Unknown stack "${stack}": this project has ${STACKS.join(" and ")}. Select one with \`pulumi stack select staging\`.`,
    );
  }
  return build(loaded, opts);
}

/**
 * What `index.ts` runs: the current stack, from the config the CLI passed, returning the stack outputs.
 * The offline plan and the tests call it too, so they exercise exactly the program `pulumi up` runs.
 */
export function runProgram(opts?: StackOptions): Record<string, unknown> {
  const stack = pulumi.getStack();
  // First of all: a run that must not apply says so before asking for config or declaring anything.
  const deployment = allowedDeployment(stack);
  const loaded = loadConfig(runtimeRawConfig(), deployment, opts?.stackFilesDir);
  return buildStack(stack, loaded, opts).outputs;
}
