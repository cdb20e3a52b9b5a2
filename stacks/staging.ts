import { LoadedConfig } from "./config";
import { buildShared, StackOptions, StackResult } from "./shared";

/** Staging: the shared declaration as it is. Rotations land here first (guide, rotation runbook step 2). */
export function buildStaging(loaded: LoadedConfig, opts?: StackOptions): StackResult {
  return buildShared(loaded, opts);
}
