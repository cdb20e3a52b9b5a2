/**
 * Drives the SDK's dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`) the way the
 * engine drives the `pulumi-resource-pulumi-nodejs` plugin: start it with the engine's address
 * as its only argument, read its port from the first stdout line, then talk
 * `pulumirpc.ResourceProvider` to it (Handshake, GetPluginInfo, CheckConfig, Configure, then
 * Check/Diff/Create/Read/Update/Delete).
 *
 * The engine side follows `sdk/go/common/resource/plugin/provider_plugin.go` (`NewProvider`,
 * `Configure`, `Check`, ..., `annotateSecrets`) and the plugin launch in `plugin.go`:
 *  - the dynamic host answers Configure with `acceptSecrets: false`, `acceptResources: false`,
 *    `supportsPreview: false`; so, like the engine, the harness sends secrets as plain values,
 *    resource references as their id (or URN), and copies the secret bit back onto outputs whose
 *    input of the same name was secret (`annotateSecrets`). Tests see secrets as wire sig objects
 *    both ways, and what the provider code really receives (plaintext) is what production gets.
 *  - during preview the engine never calls Create/Update of a provider that does not support
 *    previews: it returns the inputs as the state. The harness does the same and says so
 *    (`providerCalled: false`).
 *  - unknowns travel only in preview (`KeepUnknowns: AllowUnknowns`); outside preview the engine
 *    never has any, so the harness refuses them rather than silently dropping them.
 */
import { spawn } from "node:child_process";
import * as grpc from "@grpc/grpc-js";
import * as anypb from "google-protobuf/google/protobuf/any_pb";
import * as emptypb from "google-protobuf/google/protobuf/empty_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { FakeEngine, LogEntry, startFakeEngine } from "./fakeEngine";
import type { UnaryMethod } from "./grpcPlumbing";
import { baseEnv, killChild, locateModule, readPluginPort } from "./pluginProcess";
import {
  OUTPUT_VALUE_SIG,
  RESOURCE_REF_SIG,
  SIG_KEY,
  UNKNOWN,
  containsSecrets,
  containsUnknowns,
  isSecret,
  jsToStruct,
  secret,
  structToJs,
} from "./wire";

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

/** What a failing Create/Update/Read reports when the resource exists but did not initialize. */
export interface ResourceInitFailure {
  id: string;
  properties: Record<string, unknown>;
  reasons: string[];
}

/** An RPC failure: `message` is the host's own message; `code` the gRPC status. */
export class ProviderError extends Error {
  constructor(
    message: string,
    public readonly code: grpc.status,
    public readonly initFailure?: ResourceInitFailure,
  ) {
    super(message);
    this.name = "ProviderError";
  }
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

// ------------------------------------------------------------------------------------------------
// Property marshalling, engine side.
// ------------------------------------------------------------------------------------------------

interface MarshalOptions {
  keepSecrets: boolean;
  keepResources: boolean;
  keepUnknowns: boolean;
}

const DROP = Symbol("drop");

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** `MarshalPropertyValue` for what the harness can be given: plain JS plus wire sig objects. */
function marshalValue(v: unknown, o: MarshalOptions): unknown {
  if (v === UNKNOWN) {
    return o.keepUnknowns ? UNKNOWN : DROP;
  }
  if (Array.isArray(v)) {
    return v.map((x) => marshalValue(x, o)).filter((x) => x !== DROP);
  }
  if (!isObj(v)) {
    return v;
  }
  const sig = v[SIG_KEY];
  if (isSecret(v)) {
    const inner = marshalValue(v.value, o);
    return o.keepSecrets && inner !== DROP ? secret(inner) : inner;
  }
  if (sig === OUTPUT_VALUE_SIG) {
    // The engine only sends output values to providers that accept them; this host does not.
    let inner: unknown = "value" in v ? v["value"] : UNKNOWN;
    if (v["secret"] === true) {
      inner = secret(inner);
    }
    return marshalValue(inner, o);
  }
  if (sig === RESOURCE_REF_SIG) {
    if (o.keepResources) {
      return v;
    }
    // A reference becomes its id (unknown if empty), or its URN for a component.
    if ("id" in v) {
      return marshalValue(v["id"] === "" ? UNKNOWN : v["id"], o);
    }
    return v["urn"];
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const m = marshalValue(x, o);
    if (m !== DROP) {
      out[k] = m;
    }
  }
  return out;
}

function marshal(props: Record<string, unknown>, o: MarshalOptions): Record<string, unknown> {
  return marshalValue(props, o) as Record<string, unknown>;
}

/** `UnmarshalProperties` without KeepOutputValues: output values become plain/secret/unknown. */
function unmarshalValue(v: unknown, rejectUnknowns: boolean, label: string): unknown {
  if (v === UNKNOWN) {
    if (rejectUnknowns) {
      throw new Error(`${label}: unexpected unknown property value`);
    }
    return v;
  }
  if (Array.isArray(v)) {
    return v.map((x) => unmarshalValue(x, rejectUnknowns, label));
  }
  if (!isObj(v)) {
    return v;
  }
  if (v[SIG_KEY] === OUTPUT_VALUE_SIG) {
    const inner = "value" in v ? v["value"] : UNKNOWN;
    const val = unmarshalValue(inner, rejectUnknowns, label);
    return v["secret"] === true ? secret(val) : val;
  }
  if (isSecret(v)) {
    return secret(unmarshalValue(v.value, rejectUnknowns, label));
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    out[k] = unmarshalValue(x, rejectUnknowns, label);
  }
  return out;
}

function unmarshal(
  props: Record<string, unknown>,
  rejectUnknowns: boolean,
  label: string,
): Record<string, unknown> {
  return unmarshalValue(props, rejectUnknowns, label) as Record<string, unknown>;
}

/** A Pulumi object value: a plain map that is not a sig value (secret, asset, reference...). */
function isPropertyMap(v: unknown): v is Record<string, unknown> {
  return isObj(v) && !(SIG_KEY in v);
}

/**
 * The engine's `annotateSecrets`: copies the secret bit from inputs onto outputs of the same key,
 * recursing where both sides are objects. Only same-named keys are covered: an output derived
 * from a secret under another name comes back plaintext, exactly as under the real engine.
 */
export function annotateSecrets(outs: Record<string, unknown>, ins: Record<string, unknown>): void {
  for (const [key, inValue] of Object.entries(ins)) {
    if (!(key in outs)) {
      continue;
    }
    const outValue = outs[key];
    if (isPropertyMap(outValue) && isPropertyMap(inValue)) {
      annotateSecrets(outValue, inValue);
    } else if (!isSecret(outValue) && containsSecrets(inValue)) {
      outs[key] = secret(outValue);
    }
  }
}

// ------------------------------------------------------------------------------------------------
// Process and RPC plumbing.
// ------------------------------------------------------------------------------------------------

/** Reads the `grpc-status-details-bin` that the host attaches to a partially failed create. */
function initFailureOf(err: grpc.ServiceError): ResourceInitFailure | undefined {
  const raw = err.metadata?.get("grpc-status-details-bin")?.[0];
  if (!raw) {
    return undefined;
  }
  const status = statusproto.Status.deserializeBinary(
    typeof raw === "string" ? Buffer.from(raw, "base64") : raw,
  );
  for (const any of status.getDetailsList() as anypb.Any[]) {
    if (any.getTypeName() === "pulumirpc.ErrorResourceInitFailed") {
      const d = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
      return {
        id: d.getId(),
        properties: structToJs(d.getProperties()),
        reasons: d.getReasonsList(),
      };
    }
  }
  return undefined;
}

function toProviderError(err: grpc.ServiceError, what: string): ProviderError {
  // `details` is the host's own message; grpc-js prefixes `message` with the status.
  const message = err.details || err.message || `${what} failed`;
  return new ProviderError(message, err.code, initFailureOf(err));
}

/**
 * Starts the dynamic-provider host as the engine would and configures it. The fake engine it is
 * pointed at is started here and stopped by `stop()`; a failed start stops everything it began.
 */
export async function startDynamicProviderHost(
  opts: DynamicProviderHostOptions,
): Promise<DynamicProviderHost> {
  const startTimeoutMs = opts.startTimeoutMs ?? 20_000;
  const callTimeoutMs = opts.callTimeoutMs ?? 15_000;
  const project = opts.project ?? "project";
  const stack = opts.stack ?? "stack";

  const engine: FakeEngine = await startFakeEngine();
  let child: ReturnType<typeof spawn> | undefined;
  let client: provrpc.ResourceProviderClient | undefined;
  let stdout = "";
  let stderr = "";
  let stopped = false;

  const stop = async (): Promise<void> => {
    if (stopped) {
      return;
    }
    stopped = true;
    client?.close();
    if (child) {
      await killChild(child);
    }
    engine.stop();
  };

  try {
    // pulumi-resource-pulumi-nodejs: `node "$(node -e "require.resolve(...)")" "$@"`, run in ctx.Pwd.
    const script = await locateModule("@pulumi/pulumi/cmd/dynamic-provider", opts.cwd);
    const env: Record<string, string> = {
      ...baseEnv(),
      PULUMI_NODEJS_PROJECT: project,
      PULUMI_PROJECT: project,
      PULUMI_CONFIG: JSON.stringify(opts.pluginConfig ?? {}),
    };
    for (const [k, v] of Object.entries(opts.runtimeOptions ?? {})) {
      env[`PULUMI_RUNTIME_${k.toUpperCase()}`] = String(v);
    }
    Object.assign(env, opts.env ?? {});

    const proc = spawn(process.execPath, [script, engine.address], {
      cwd: opts.cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    proc.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));

    const port = await readPluginPort(proc, "dynamic provider host", startTimeoutMs, (out) => {
      stdout += out;
    });

    const address = `127.0.0.1:${port}`;
    const c = new provrpc.ResourceProviderClient(address, grpc.credentials.createInsecure());
    client = c;

    const rpc = <Req, Res>(method: UnaryMethod<Req, Res>, req: Req, what: string): Promise<Res> =>
      new Promise((resolve, reject) => {
        if (stopped) {
          reject(new Error(`${what}: the host was stopped`));
          return;
        }
        method.call(
          c,
          req,
          new grpc.Metadata(),
          { deadline: Date.now() + callTimeoutMs },
          (err, res) => (err ? reject(toProviderError(err, what)) : resolve(res)),
        );
      });

    const providerUrn = `urn:pulumi:${stack}::${project}::pulumi:providers:pulumi-nodejs::default`;
    const protocol: ProviderProtocol = {
      acceptSecrets: false,
      acceptResources: false,
      supportsPreview: false,
      acceptOutputs: false,
    };

    const configure = async (args?: Record<string, unknown>): Promise<ProviderProtocol> => {
      const a = args ?? opts.providerArgs ?? {};
      const req = new provproto.ConfigureRequest()
        .setArgs(jsToStruct(a))
        .setAcceptsecrets(true)
        .setAcceptresources(true)
        .setSendsOldInputs(true)
        .setSendsOldInputsToDelete(true)
        .setUrn(providerUrn)
        .setName("default")
        .setType("pulumi:providers:pulumi-nodejs")
        .setId("00000000-0000-0000-0000-000000000000");
      // The deprecated `variables`: `<pkg>:config:<key>` -> string, secrets revealed.
      for (const [k, v] of Object.entries(a)) {
        if (k === "version") {
          continue;
        }
        const plain = marshalValue(v, {
          keepSecrets: false,
          keepResources: false,
          keepUnknowns: true,
        });
        req
          .getVariablesMap()
          .set(
            `pulumi-nodejs:config:${k}`,
            typeof plain === "string" ? plain : JSON.stringify(plain),
          );
      }
      const res = await rpc(c.configure, req, "Configure");
      protocol.acceptSecrets = res.getAcceptsecrets();
      protocol.acceptResources = res.getAcceptresources();
      protocol.supportsPreview = res.getSupportspreview();
      protocol.acceptOutputs = res.getAcceptoutputs();
      return { ...protocol };
    };

    // The engine's start-up sequence: Handshake (the host does not implement it: fall back),
    // GetPluginInfo, CheckConfig (likewise unimplemented: inputs pass), then Configure.
    const tolerateUnimplemented = async (p: Promise<unknown>): Promise<void> => {
      try {
        await p;
      } catch (e) {
        if (!(e instanceof ProviderError && e.code === grpc.status.UNIMPLEMENTED)) {
          throw e;
        }
      }
    };
    // Each RPC has its own deadline; this bounds the whole start-up sequence as well.
    let startTimedOut = false;
    const startDeadline = setTimeout(() => {
      startTimedOut = true;
      void stop();
    }, startTimeoutMs);
    try {
      await tolerateUnimplemented(
        rpc(
          c.handshake,
          new provproto.ProviderHandshakeRequest()
            .setEngineAddress(engine.address)
            .setRootDirectory(opts.cwd)
            .setProgramDirectory(opts.cwd)
            .setConfigureWithUrn(true)
            .setSupportsViews(true)
            .setSupportsRefreshBeforeUpdate(true)
            .setInvokeWithPreview(true),
          "Handshake",
        ),
      );
      await rpc(c.getPluginInfo, new emptypb.Empty(), "GetPluginInfo");
      await tolerateUnimplemented(
        rpc(
          c.checkConfig,
          new provproto.CheckRequest()
            .setUrn(providerUrn)
            .setName("default")
            .setType("pulumi:providers:pulumi-nodejs")
            .setOlds(jsToStruct({}))
            .setNews(jsToStruct(opts.providerArgs ?? {})),
          "CheckConfig",
        ),
      );
      await configure();
    } catch (e) {
      if (startTimedOut) {
        throw new Error(`dynamic provider host did not configure within ${startTimeoutMs} ms`);
      }
      throw e;
    } finally {
      clearTimeout(startDeadline);
    }

    const toProvider = (
      props: Record<string, unknown>,
      keepUnknowns: boolean,
      what: string,
    ): Record<string, unknown> => {
      if (!keepUnknowns && containsUnknowns(props)) {
        throw new Error(
          `${what}: unknown values outside preview; the engine only sends them in a preview ` +
            `(pass { preview: true })`,
        );
      }
      return marshal(props, {
        keepSecrets: protocol.acceptSecrets,
        keepResources: protocol.acceptResources,
        keepUnknowns,
      });
    };
    const nameOf = (urn: string): string => urn.split("::").slice(3).join("::");
    const typeOf = (urn: string): string => {
      const q = urn.split("::")[2] ?? "";
      return q.slice(q.lastIndexOf("$") + 1);
    };

    const host: DynamicProviderHost = {
      address,
      engineLogs: engine.logs,
      protocol,
      output: () => ({ stdout, stderr }),
      pluginVersion: async () =>
        (
          (await rpc(c.getPluginInfo, new emptypb.Empty(), "GetPluginInfo")) as plugproto.PluginInfo
        ).getVersion(),
      configure,

      async check(urn, olds, news, o = {}) {
        const preview = o.preview ?? false;
        const req = new provproto.CheckRequest()
          .setUrn(urn)
          .setName(nameOf(urn))
          .setType(typeOf(urn))
          .setOlds(jsToStruct(toProvider(olds, preview, "Check")))
          .setNews(jsToStruct(toProvider(news, preview, "Check")))
          .setRandomseed(o.randomSeed ?? new Uint8Array());
        const res = await rpc(c.check, req, "Check");
        const inputs = unmarshal(structToJs(res.getInputs()), !preview, "Check");
        if (!protocol.acceptSecrets) {
          annotateSecrets(inputs, news);
        }
        return {
          inputs,
          failures: res
            .getFailuresList()
            .map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
        };
      },

      async diff(id, urn, olds, news, o = {}) {
        const preview = o.preview ?? false;
        const req = new provproto.DiffRequest()
          .setId(id)
          .setUrn(urn)
          .setName(nameOf(urn))
          .setType(typeOf(urn))
          .setOldInputs(jsToStruct(toProvider(o.oldInputs ?? olds, preview, "Diff")))
          .setOlds(jsToStruct(toProvider(olds, preview, "Diff")))
          .setNews(jsToStruct(toProvider(news, preview, "Diff")))
          .setIgnorechangesList(o.ignoreChanges ?? []);
        const res = await rpc(c.diff, req, "Diff");
        const changes = res.getChanges();
        return {
          changes:
            changes === provproto.DiffResponse.DiffChanges.DIFF_SOME
              ? "some"
              : changes === provproto.DiffResponse.DiffChanges.DIFF_NONE
                ? "none"
                : "unknown",
          replaces: res.getReplacesList(),
          stables: res.getStablesList(),
          diffs: res.getDiffsList(),
          deleteBeforeReplace: res.getDeletebeforereplace(),
        };
      },

      async create(urn, props, o = {}) {
        const preview = o.preview ?? false;
        if (preview && !protocol.supportsPreview) {
          return { id: "", properties: props, providerCalled: false };
        }
        const req = new provproto.CreateRequest()
          .setUrn(urn)
          .setName(nameOf(urn))
          .setType(typeOf(urn))
          .setProperties(jsToStruct(toProvider(props, preview, "Create")))
          .setTimeout(o.timeoutSeconds ?? 0)
          .setPreview(preview);
        const res = await rpc(c.create, req, "Create");
        const id = res.getId();
        if (id === "" && !preview) {
          throw new Error(`plugin returned empty resource.ID from create '${urn}'`);
        }
        const properties = unmarshal(structToJs(res.getProperties()), !preview, "Create");
        if (!protocol.acceptSecrets) {
          annotateSecrets(properties, props);
        }
        return { id, properties, providerCalled: true };
      },

      async read(id, urn, props, inputs) {
        const req = new provproto.ReadRequest()
          .setId(id)
          .setUrn(urn)
          .setName(nameOf(urn))
          .setType(typeOf(urn))
          .setProperties(jsToStruct(toProvider(props, false, "Read")));
        if (inputs) {
          req.setInputs(jsToStruct(toProvider(inputs, false, "Read")));
        }
        const res = await rpc(c.read, req, "Read");
        const properties = unmarshal(structToJs(res.getProperties()), true, "Read");
        const newInputs = res.getInputs()
          ? unmarshal(structToJs(res.getInputs()), true, "Read")
          : undefined;
        if (!protocol.acceptSecrets) {
          if (newInputs && inputs) {
            annotateSecrets(newInputs, inputs);
          }
          annotateSecrets(properties, props);
        }
        return { id: res.getId(), properties, inputs: newInputs };
      },

      async update(id, urn, olds, news, o = {}) {
        const preview = o.preview ?? false;
        if (preview && !protocol.supportsPreview) {
          return { properties: news, providerCalled: false };
        }
        const req = new provproto.UpdateRequest()
          .setId(id)
          .setUrn(urn)
          .setName(nameOf(urn))
          .setType(typeOf(urn))
          .setOlds(jsToStruct(toProvider(olds, false, "Update")))
          .setOldInputs(jsToStruct(toProvider(o.oldInputs ?? olds, false, "Update")))
          .setNews(jsToStruct(toProvider(news, preview, "Update")))
          .setIgnorechangesList(o.ignoreChanges ?? [])
          .setTimeout(o.timeoutSeconds ?? 0)
          .setPreview(preview);
        const res = await rpc(c.update, req, "Update");
        const properties = unmarshal(structToJs(res.getProperties()), !preview, "Update");
        if (!protocol.acceptSecrets) {
          annotateSecrets(properties, news);
        }
        return { properties, providerCalled: true };
      },

      async delete(id, urn, props, o = {}) {
        const req = new provproto.DeleteRequest()
          .setId(id)
          .setUrn(urn)
          .setName(nameOf(urn))
          .setType(typeOf(urn))
          .setProperties(jsToStruct(toProvider(props, false, "Delete")))
          .setOldInputs(jsToStruct(toProvider(o.oldInputs ?? props, false, "Delete")))
          .setTimeout(o.timeoutSeconds ?? 0);
        await rpc(c.delete, req, "Delete");
      },

      stop,
    };
    return host;
  } catch (e) {
    await stop();
    if (e instanceof Error && stderr) {
      e.message += `\nhost stderr:\n${stderr.slice(-4000)}`;
    }
    throw e;
  }
}
