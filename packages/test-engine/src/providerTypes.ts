/**
 * What a test sees of the dynamic-provider host: its start options, the protocol it announces in
 * Configure, the result of each resource operation, and the running host's handle.
 */
import type { LogEntry } from "./fakeEngine";

/** Options of {@link startDynamicProviderHost}. */
export interface DynamicProviderHostOptions {
  /** Working directory: the program directory (`ctx.Pwd`), whose node_modules hold the SDK. */
  cwd: string;
  /** Extra environment for the host process. */
  env?: Record<string, string>;
  /** Project name, exported as PULUMI_NODEJS_PROJECT / PULUMI_PROJECT as the engine does. */
  project?: string;
  /** Stack name, used only for the provider URN sent in Configure. */
  stack?: string;
  /** Stack config of the `pulumi-nodejs` namespace (the engine's PULUMI_CONFIG for the plugin). */
  pluginConfig?: Record<string, string>;
  /** Arguments of the automatic Configure call (the default provider's inputs). */
  providerArgs?: Record<string, unknown>;
  /** Runtime options of Pulumi.yaml, exported as PULUMI_RUNTIME_<NAME> (e.g. typescript). */
  runtimeOptions?: Record<string, string | boolean>;
  /** Bound on the start (port + configure); default 20 000 ms. */
  startTimeoutMs?: number;
  /** Deadline of each RPC; default 15 000 ms. */
  callTimeoutMs?: number;
}

/** What the host said about itself in Configure (the engine's `pluginProtocol`). */
export interface ProviderProtocol {
  acceptSecrets: boolean;
  acceptResources: boolean;
  supportsPreview: boolean;
  acceptOutputs: boolean;
}

/** Result of Check. `inputs` carries the secret bit copied back like the engine does. */
export interface CheckResult {
  inputs: Record<string, unknown>;
  failures: { property: string; reason: string }[];
}

/** Result of Diff. */
export interface DiffResult {
  changes: "unknown" | "none" | "some";
  replaces: string[];
  stables: string[];
  diffs: string[];
  deleteBeforeReplace: boolean;
}

/** Result of Create. */
export interface CreateResult {
  /** "" during preview. */
  id: string;
  properties: Record<string, unknown>;
  /** False when the engine would not have called the provider (preview, no preview support). */
  providerCalled: boolean;
}

/** Result of Read. */
export interface ReadResult {
  id: string;
  properties: Record<string, unknown>;
  inputs?: Record<string, unknown>;
}

/** Result of Update. */
export interface UpdateResult {
  properties: Record<string, unknown>;
  providerCalled: boolean;
}

/** A running dynamic-provider host. */
export interface DynamicProviderHost {
  /** `127.0.0.1:<port>` the host printed. */
  address: string;
  /** The fake engine the host was pointed at, with whatever it logged there. */
  engineLogs: LogEntry[];
  /** The host's Configure answer. */
  protocol: ProviderProtocol;
  /** Host stdout after the port line, and stderr (the host prints provider errors there). */
  output(): { stdout: string; stderr: string };
  pluginVersion(): Promise<string>;
  /** Calls Configure again (the harness already did once, as the engine does, at start). */
  configure(args?: Record<string, unknown>): Promise<ProviderProtocol>;
  check(
    urn: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
    opts?: { preview?: boolean; randomSeed?: Uint8Array },
  ): Promise<CheckResult>;
  /** `olds` are the old outputs (state); `oldInputs` default to them. */
  diff(
    id: string,
    urn: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
    opts?: { preview?: boolean; oldInputs?: Record<string, unknown>; ignoreChanges?: string[] },
  ): Promise<DiffResult>;
  create(
    urn: string,
    props: Record<string, unknown>,
    opts?: { preview?: boolean; timeoutSeconds?: number },
  ): Promise<CreateResult>;
  read(
    id: string,
    urn: string,
    props: Record<string, unknown>,
    inputs?: Record<string, unknown>,
  ): Promise<ReadResult>;
  update(
    id: string,
    urn: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
    opts?: {
      preview?: boolean;
      oldInputs?: Record<string, unknown>;
      ignoreChanges?: string[];
      timeoutSeconds?: number;
    },
  ): Promise<UpdateResult>;
  delete(
    id: string,
    urn: string,
    props: Record<string, unknown>,
    opts?: { oldInputs?: Record<string, unknown>; timeoutSeconds?: number },
  ): Promise<void>;
  /** Closes the client, kills the host, stops the fake engine. Idempotent. */
  stop(): Promise<void>;
}
