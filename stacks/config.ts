import * as pulumi from "@pulumi/pulumi";
import { CATALOG } from "../catalog";
import { buildModel, Model, PROJECT, RawConfig } from "../model";

/** A stack's validated model plus access to its encrypted external values. */
export interface LoadedConfig {
  model: Model;
  /** The encrypted value of an external secret's config key (always a secret Output). */
  externalValue(configKey: string): pulumi.Output<string>;
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
});

/**
 * Reads every key once, validates catalog and config together, and fails before any resource is
 * declared. The only place that reads config (STYLE 3.3).
 */
export function loadConfig(raw: RawConfig = runtimeRawConfig()): LoadedConfig {
  const model = buildModel(CATALOG, pulumi.getStack(), raw);
  const cfg = new pulumi.Config(PROJECT);
  return { model, externalValue: (key) => cfg.requireSecret(key) };
}
