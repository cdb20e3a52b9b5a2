/**
 * Local fake Render, Fly.io and Railway servers on 127.0.0.1 that answer like the platforms' public
 * APIs and check every request against the published contracts in the repository's `specs/`.
 *
 * The public names are listed one by one: the modules also export helpers they share with each
 * other (a fake's state, its routes), which are not part of the package.
 */

// The server base every fake shares.
export { cloneJson, isPlainObject, randomHex } from "./data";
export type {
  AuthResult,
  FailSpec,
  FakeServerOptions,
  FaultMatch,
  HangSpec,
  LoggedRequest,
  Reply,
  RequestContext,
} from "./fakeTypes";
export { parseAuthorization, statusText } from "./httpPlumbing";
export { FakeServer } from "./fakeServer";

// Contracts: OpenAPI for the REST fakes, GraphQL for Railway.
export type { OpenApiSpecName } from "./specFiles";
export type { ContractOperation, QueryParamDef, RouteMatch } from "./openApiRoutes";
export { OpenApiContract, type CheckResult } from "./openApiContract";
export { OpenApiFakeServer, type OperationCall, type OperationHandler } from "./openApiFake";
export {
  parseGraphQLRequest,
  railwaySchema,
  validateGraphQLRequest,
  type ParsedGraphQLRequest,
} from "./graphqlContract";

// The fakes.
export { FakeRender, type FakeRenderOptions } from "./render";
export type {
  RenderDeployRecord,
  RenderEnvGroupSeed,
  RenderRestartRecord,
  RenderServiceSeed,
  RenderServiceType,
} from "./renderState";
export { FakeFly, type FakeFlyOptions } from "./fly";
export type {
  FlyMachineRestartRecord,
  FlyMachineSeed,
  FlyMachineUpdateRecord,
  FlySecretMeta,
} from "./flyState";
export { FakeRailway, type FakeRailwayOptions } from "./railway";
export type {
  RailwayDeployTrigger,
  RailwayDeploymentRecord,
  RailwayProjectSeed,
  RailwayRestartRecord,
  RailwayScope,
} from "./railwayState";
