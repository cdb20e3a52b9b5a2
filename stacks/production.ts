import { LoadedConfig } from "./config";
import { buildShared, StackOptions, StackResult } from "./shared";

/**
 * Production: secrets are protected from deletion (D3). The config loader already refuses
 * `deletionProtection: false` here; this check keeps the guarantee if that rule ever moves.
 */
export function buildProduction(loaded: LoadedConfig, opts?: StackOptions): StackResult {
  if (!loaded.model.config.deletionProtection) {
    throw new Error(
      "Production secrets must be protected from deletion (`deletionProtection` must be true).",
    );
  }
  return buildShared(loaded, opts);
}
