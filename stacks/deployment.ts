/**
 * Whether this run may apply, decided before anything is declared: `index.ts` imports
 * `./preflight` first, so a refused run stops before the program's modules (and @pulumi/gcp) load.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { applyRefusal, Deployment, deploymentOf, FREEZE_PATH } from "../model";

/** The project folder: the freeze marker is committed beside the stack files. */
export const PROJECT_DIR = path.resolve(__dirname, "..");

/**
 * The run as the engine and the environment describe it. A run under the SDK's runtime mocks (the
 * offline plan, the tests) never applies anything; GitHub Actions sets GITHUB_ACTIONS and
 * GITHUB_RUN_ID for every job.
 */
export function runtimeDeployment(env: NodeJS.ProcessEnv = process.env): Deployment {
  const mocked = pulumi.runtime.getMonitor() instanceof MockMonitor;
  const freezeFile = path.join(PROJECT_DIR, FREEZE_PATH);
  const freeze = fs.existsSync(freezeFile) ? fs.readFileSync(freezeFile, "utf8") : null;
  return deploymentOf(env, freeze, !mocked && !pulumi.runtime.isDryRun());
}

/**
 * The run's deployment, or an error that says why this stack must not be applied here (production
 * outside CI, a freeze, leftover placeholders are checked later with the config).
 */
export function allowedDeployment(stack: string = pulumi.getStack()): Deployment {
  const deployment = runtimeDeployment();
  const refusal = applyRefusal(stack, deployment);
  if (refusal) throw new Error(refusal);
  return deployment;
}
