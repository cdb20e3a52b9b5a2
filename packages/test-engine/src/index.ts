/**
 * Test infrastructure that drives the Pulumi Node.js SDK's real hosts the way the Pulumi engine
 * does: the program entry point (`cmd/run`) against a fake engine and resource monitor, the
 * dynamic-provider host, and the policy-pack host. Loopback only; every server a test starts, the
 * test stops.
 *
 * The public names are listed one by one: the modules also export helpers they share with each
 * other, which are not part of the package.
 */

// Wire values: secrets, unknowns and protobuf Structs.
export {
  OUTPUT_VALUE_SIG,
  RESOURCE_REF_SIG,
  SECRET_SIG,
  SIG_KEY,
  UNKNOWN,
  containsSecrets,
  containsUnknowns,
  isSecret,
  isUnknown,
  jsToStruct,
  secret,
  structToJs,
  toWireJs,
  unwrapSecrets,
  type SecretValue,
} from "./wire";
export { bindLoopback, grpcError, type BoundServer } from "./grpcPlumbing";
export { baseEnv, killChild, locateModule, readPluginPort } from "./pluginProcess";

// A program run: the fake engine and monitor, and the runner.
export { startFakeEngine, type FakeEngine, type LogEntry, type LogSeverity } from "./fakeEngine";
export {
  DEFAULT_FEATURES,
  makeUrn,
  type CallRecord,
  type InvokeRecord,
  type MonitorHooks,
  type PackageRecord,
  type Registration,
  type RegistrationOptions,
} from "./registrations";
export { startFakeMonitor, type FakeMonitor } from "./fakeMonitor";
export { runProgram, type RunProgramOptions, type RunResult } from "./engine";
export { stageDir, type StagedDir } from "./staging";

// The dynamic-provider host.
export { startDynamicProviderHost } from "./dynamicProvider";
export { annotateSecrets } from "./providerMarshal";
export { ProviderError, type ResourceInitFailure } from "./providerErrors";
export type {
  CheckResult,
  CreateResult,
  DiffResult,
  DynamicProviderHost,
  DynamicProviderHostOptions,
  ProviderProtocol,
  ReadResult,
  UpdateResult,
} from "./providerTypes";

// The policy-pack host.
export { startPolicyHost } from "./policyHost";
export {
  PolicyHostError,
  type AnalysisResult,
  type AnalyzedResource,
  type EnforcementLevel,
  type PolicyDescription,
  type PolicyDiagnostic,
  type PolicyHost,
  type PolicyHostOptions,
  type PolicyPackConfig,
  type PolicyPackInfo,
} from "./policyTypes";
