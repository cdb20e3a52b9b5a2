/**
 * The offline plan (DESIGN.md D7), one module: the real program evaluated under Pulumi's runtime
 * mocks with a stack's files (`engine`, `mocks`, `stackFiles`), the plan JSON and its summary
 * (`plan`, `text`), and the plan of another revision, run in a child process with that revision's
 * own code (`revision`). The commands import it from here; the doctor and the gate's recorder take
 * the single modules they use (`layout`, `yamlFile`, `stackFiles`, `engine`), so their processes
 * load no more than that.
 */
export {
  defaultValueGenerator,
  evaluate,
  redact,
  redactRegistrations,
  REDACTED,
  runUnderMocks,
} from "./engine";
export type {
  EvaluateOptions,
  Evaluation,
  PlannedResource,
  Registrations,
  ValueGenerator,
} from "./engine";
export { ENCRYPTED_MARKER, readStackConfig, unsetMarker } from "./stackFiles";
export type { ExternalKeyState, StackFileConfig } from "./stackFiles";
export { accessRows, planJson } from "./plan";
export type { PlanContext } from "./plan";
export type {
  AccessRow,
  Plan,
  PlanDelivery,
  PlanIdentity,
  PlanResource,
  PlanSecret,
  RevisionPlan,
} from "./plan";
export { planText, showPlan } from "./text";
export { checkoutRevision, failureSummary, limited, runPlan } from "./revision";
export type { Checkout, PlanOutcome } from "./revision";
