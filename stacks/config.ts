import * as fs from "fs";
import * as path from "path";
// Submodule import: type-checking all of @pulumi/gcp costs seconds per `tsc` run.
import * as kms from "@pulumi/gcp/kms";
import * as pulumi from "@pulumi/pulumi";
import YAML from "yaml";
import { CATALOG } from "../catalog";
import { secretOutput } from "../components";
import { PROJECT_DIR, runtimeDeployment } from "./deployment";
import {
  buildModel,
  Deployment,
  kmsSecretKeyId,
  Model,
  PROJECT,
  RawConfig,
  SiblingStack,
} from "../model";

/** A stack's validated model plus access to its encrypted external values. */
export interface LoadedConfig {
  model: Model;
  /** The encrypted value of an external secret's config key (always a secret Output). */
  externalValue(configKey: string): pulumi.Output<string>;
  /** The run this program is part of: whether it applies, where, and under which freeze. */
  deployment: Deployment;
}

// `isConfigSecret` is the SDK's own record of which keys the CLI passed as secrets
// (PULUMI_CONFIG_SECRET_KEYS); it is exported from runtime/config but not declared in its typings.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an untyped SDK internal
const sdkConfig = require("@pulumi/pulumi/runtime/config") as {
  isConfigSecret(k: string): boolean;
};

/** The running program's config, as the CLI (or the offline plan) passed it. */
export const runtimeRawConfig = (): RawConfig => ({
  get: (k) => pulumi.runtime.getConfig(k),
  isSecret: (k) => sdkConfig.isConfigSecret(k),
  keys: () => Object.keys(pulumi.runtime.allConfig()),
});

/**
 * The other stacks of this project, from their stack files beside the program: two stacks in one
 * GCP project with one secret-ID prefix would own the same secrets, and both refuse to run.
 */
export function siblingStacks(dir: string = PROJECT_DIR): SiblingStack[] {
  const out: SiblingStack[] = [];
  for (const f of fs.readdirSync(dir)) {
    const stack = /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1];
    if (!stack) continue;
    try {
      const config = (YAML.parse(fs.readFileSync(path.join(dir, f), "utf8"))?.config ??
        {}) as Record<string, unknown>;
      const prefix = config[`${PROJECT}:secretIdPrefix`] ?? config.secretIdPrefix ?? stack;
      const project = config["gcp:project"];
      if (typeof project === "string" && typeof prefix === "string") {
        out.push({ stack, gcpProject: project, secretIdPrefix: prefix });
      }
    } catch {
      // A stack file that does not parse is that stack's own error, reported when it runs.
    }
  }
  return out;
}

/**
 * Reads every key once, validates catalog and config together, and fails before any resource is
 * declared. The only place that reads config (STYLE 3.3).
 */
export function loadConfig(
  raw: RawConfig = runtimeRawConfig(),
  deployment: Deployment = runtimeDeployment(),
  stackFilesDir: string = PROJECT_DIR,
): LoadedConfig {
  const model = buildModel(CATALOG, pulumi.getStack(), raw, {
    siblings: siblingStacks(stackFilesDir),
    applying: deployment.applying,
  });
  const cfg = new pulumi.Config(PROJECT);
  const sealed = model.config.sealedValues;
  const externalValue = (key: string): pulumi.Output<string> => {
    const ciphertext = sealed?.values[key];
    if (ciphertext === undefined) return cfg.requireSecret(key);
    // Decrypted by the deploy identity at `pulumi up`; the operator who sealed it never could.
    const opened = kms.getKMSSecretOutput({ cryptoKey: kmsSecretKeyId(sealed!.key), ciphertext });
    return secretOutput(opened.plaintext);
  };
  return { model, externalValue, deployment };
}
