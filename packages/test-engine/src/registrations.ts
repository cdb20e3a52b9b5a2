/**
 * What the fake ResourceMonitor records and how a test steers it: registrations with their
 * options, invokes, calls, packages, the hooks that answer them, the features the harness claims,
 * and URNs built the way the engine builds them.
 */

/** Resource options the program sent with a registration. */
export interface RegistrationOptions {
  /** `undefined` when the program did not set `protect`. */
  protect?: boolean;
  ignoreChanges: string[];
  /** `undefined` when the program did not set `deleteBeforeReplace`. */
  deleteBeforeReplace?: boolean;
  additionalSecretOutputs: string[];
  replaceOnChanges: string[];
  /** `undefined` when the program did not set `retainOnDelete`. */
  retainOnDelete?: boolean;
  deletedWith: string;
  replaceWith: string[];
  hideDiffs: string[];
  version: string;
  pluginDownloadURL: string;
  importId: string;
  customTimeouts?: { create: string; update: string; delete: string; read: string };
  /** Alias specs (`{name, type, stack, project, parenturn, noparent}`) or alias URNs. */
  aliases: unknown[];
}

/** One `RegisterResource` (kind "register") or `ReadResource` (kind "read") the program made. */
export interface Registration {
  kind: "register" | "read";
  type: string;
  name: string;
  /** The URN the harness answered, built like the engine's. */
  urn: string;
  /** The id the harness answered ("" for components and during preview). */
  id: string;
  /** Parent URN ("" only for the stack itself). */
  parent: string;
  custom: boolean;
  remote: boolean;
  /** Provider reference `<providerURN>::<providerID>`, "" for the default provider. */
  provider: string;
  /** Per-package provider references (components). */
  providers: Record<string, string>;
  dependencies: string[];
  /** Inputs decoded from the request's Struct: secrets/unknowns stay as wire sig values. */
  inputs: Record<string, unknown>;
  propertyDependencies: Record<string, string[]>;
  options: RegistrationOptions;
  /** The object the harness answered with (inputs + caller outputs + additionalSecretOutputs). */
  outputs: Record<string, unknown>;
  /** What `registerOutputs` later sent for this URN (components and the stack), if anything. */
  registeredOutputs?: Record<string, unknown>;
}

/** One `Invoke` the program made. */
export interface InvokeRecord {
  token: string;
  args: Record<string, unknown>;
  provider: string;
  version: string;
}

/** One `Call` (method on a remote component) the program made. */
export interface CallRecord {
  token: string;
  args: Record<string, unknown>;
  argDependencies: Record<string, string[]>;
  provider: string;
}

/** One `RegisterPackage` (parameterized provider) the program made. */
export interface PackageRecord {
  ref: string;
  name: string;
  version: string;
  downloadUrl: string;
  parameterization?: { name: string; version: string; value: Uint8Array };
}

/** Monitor behaviour a test can supply. */
export interface MonitorHooks {
  /** Project and stack, used to build URNs the way the engine does. */
  project: string;
  stack: string;
  preview: boolean;
  /** Extra outputs merged over the inputs in the response (e.g. computed properties). */
  outputs?: (r: Registration) => Record<string, unknown> | undefined;
  /** The id to answer for a custom resource; default `<name>-id` (up) or "" (preview). */
  id?: (r: Registration) => string;
  /** Answers `Invoke`; a throw becomes the gRPC error the SDK reports. Default: error naming the token. */
  invoke?: (token: string, args: Record<string, unknown>, rec: InvokeRecord) => unknown;
  /** Answers `Call`; default: error naming the token. */
  call?: (token: string, args: Record<string, unknown>, rec: CallRecord) => unknown;
  /**
   * Answers to `SupportsFeature`, over the defaults in {@link DEFAULT_FEATURES}. Lets a test
   * play an older engine (e.g. `{ secrets: false }`).
   */
  features?: Record<string, boolean>;
}

/**
 * What the harness answers to `SupportsFeature`. It says yes to what it implements (or what only
 * needs recording) and no to what needs the engine to call back into the program: a program
 * using `transforms`, `invokeTransforms` or resource/error hooks then fails with the SDK's own
 * "The Pulumi CLI does not support ..." error instead of silently losing behaviour.
 */
export const DEFAULT_FEATURES: Readonly<Record<string, boolean>> = {
  secrets: true,
  resourceReferences: true,
  outputValues: true,
  deletedWith: true,
  replaceWith: true,
  aliasSpecs: true,
  replacementTrigger: true,
  parameterization: true,
  transforms: false,
  invokeTransforms: false,
  resourceHooks: false,
  errorHooks: false,
};

/** The type of the root stack resource every program registers first. */
export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * Builds a URN as the engine does (`Deployment.generateURN` + `resource.NewURN`): the parent's
 * qualified type is prefixed with `$`, except that children of the root stack get none.
 */
export function makeUrn(
  stack: string,
  project: string,
  parentUrn: string,
  type: string,
  name: string,
): string {
  let qualified = type;
  if (parentUrn !== "") {
    // A URN is urn:pulumi:<stack>::<project>::<qualifiedType>::<name>; the name may contain "::".
    const parentQualified = parentUrn.split("::")[2] ?? "";
    if (parentQualified !== ROOT_STACK_TYPE) {
      qualified = `${parentQualified}$${type}`;
    }
  }
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}
