/**
 * Runs a Pulumi TypeScript program through the SDK's own language entry point
 * (`@pulumi/pulumi/cmd/run`) against a fake ResourceMonitor and a fake Engine served over gRPC on
 * 127.0.0.1, the way `pulumi up` / `pulumi preview` drive it through `pulumi-language-nodejs`.
 *
 * Why not mocks: `pulumi.runtime.setMocks` replaces the monitor inside the program's process, so
 * it never exercises the wire encoding (secrets, unknowns, property dependencies), the feature
 * negotiation, config passing through the environment, ts-node compilation or the exit-code rules
 * of the real entry point. This harness does.
 *
 * The launch sequence mirrors `sdk/nodejs/cmd/pulumi-language-nodejs/main.go` (`Run`,
 * `execRuntime`, `constructArguments`, `constructConfig`); the monitor mirrors the engine's
 * `resmon` in `pkg/resource/deploy/source_eval.go` for the parts a program can observe.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as emptypb from "google-protobuf/google/protobuf/empty_pb";
import * as engrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engproto from "@pulumi/pulumi/proto/engine_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as resrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import * as YAML from "yaml";
import { bindLoopback, unary, unimplemented } from "./grpcPlumbing";
import { baseEnv, killChild, locateModule } from "./pluginProcess";
import { isPlainObject, isSecret, jsToStruct, secret, structToJs } from "./wire";

// ------------------------------------------------------------------------------------------------
// Fake Engine service: logs and the root resource.
// ------------------------------------------------------------------------------------------------

/** Log severity names, in the order of `pulumirpc.LogSeverity`. */
export type LogSeverity = "debug" | "info" | "warning" | "error";

/** One `Engine.Log` call. */
export interface LogEntry {
  severity: LogSeverity;
  message: string;
  urn: string;
  streamId: number;
  ephemeral: boolean;
}

const SEVERITIES: Record<number, LogSeverity> = {
  [engproto.LogSeverity.DEBUG]: "debug",
  [engproto.LogSeverity.INFO]: "info",
  [engproto.LogSeverity.WARNING]: "warning",
  [engproto.LogSeverity.ERROR]: "error",
};

/** A fake `pulumirpc.Engine` server. */
export interface FakeEngine {
  address: string;
  /** Every `Log` call, in arrival order. */
  logs: LogEntry[];
  /** The URN the program set with `SetRootResource` (the stack), or "". */
  rootUrn(): string;
  stop(): void;
}

/**
 * Starts a fake Engine on 127.0.0.1. Programs use it for `log.*` and to record the stack as the
 * root resource; plugins (dynamic providers, policy packs) receive its address as their first
 * argument, as the engine's `host.ServerAddr()`.
 */
export async function startFakeEngine(): Promise<FakeEngine> {
  const logs: LogEntry[] = [];
  let root = "";
  const server = new grpc.Server();
  const impl: engrpc.IEngineServer = {
    log: unary((req: engproto.LogRequest) => {
      logs.push({
        severity: SEVERITIES[req.getSeverity()] ?? "info",
        message: req.getMessage(),
        urn: req.getUrn(),
        streamId: req.getStreamid(),
        ephemeral: req.getEphemeral(),
      });
      return new emptypb.Empty();
    }),
    getRootResource: unary(() => new engproto.GetRootResourceResponse().setUrn(root)),
    setRootResource: unary((req: engproto.SetRootResourceRequest) => {
      root = req.getUrn();
      return new engproto.SetRootResourceResponse();
    }),
    startDebugging: unimplemented("StartDebugging"),
    // The harness stands for "a recent CLI": every version range is accepted.
    requirePulumiVersion: unary(() => new engproto.RequirePulumiVersionResponse()),
  };
  server.addService(engrpc.EngineService, impl);
  const bound = await bindLoopback(server);
  return { address: bound.address, logs, rootUrn: () => root, stop: bound.stop };
}

// ------------------------------------------------------------------------------------------------
// Fake ResourceMonitor.
// ------------------------------------------------------------------------------------------------

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

/** A running fake monitor and everything it saw. */
export interface FakeMonitor {
  address: string;
  resources: Registration[];
  invokes: InvokeRecord[];
  calls: CallRecord[];
  packages: PackageRecord[];
  /** `SupportsFeature` ids asked, in order. */
  featuresAsked: string[];
  /** Whether the program called `SignalAndWaitForShutdown` (it does on a clean exit). */
  shutdownSignalled(): boolean;
  stop(): void;
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

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

/** Wraps the listed top-level outputs as secrets, as the engine does for additionalSecretOutputs. */
function applyAdditionalSecretOutputs(
  outputs: Record<string, unknown>,
  keys: string[],
): Record<string, unknown> {
  const out = { ...outputs };
  for (const k of keys) {
    if (k in out && !isSecret(out[k])) {
      out[k] = secret(out[k]);
    }
  }
  return out;
}

function depsMap<T extends { getUrnsList(): string[] }>(
  m: { forEach(cb: (v: T, k: string) => void): void } | undefined,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  m?.forEach((v, k) => {
    out[k] = v.getUrnsList();
  });
  return out;
}

function stringMap(m: {
  forEach(cb: (v: string, k: string) => void): void;
}): Record<string, string> {
  const out: Record<string, string> = {};
  m.forEach((v, k) => {
    out[k] = v;
  });
  return out;
}

/** Starts a fake ResourceMonitor on 127.0.0.1. */
export async function startFakeMonitor(hooks: MonitorHooks): Promise<FakeMonitor> {
  const resources: Registration[] = [];
  const invokes: InvokeRecord[] = [];
  const calls: CallRecord[] = [];
  const packages: PackageRecord[] = [];
  const featuresAsked: string[] = [];
  const features = { ...DEFAULT_FEATURES, ...hooks.features };
  let shutdown = false;

  const answerId = (r: Registration): string => {
    if (!r.custom) {
      return "";
    }
    if (hooks.id) {
      return hooks.id(r);
    }
    // During preview the engine has no id for a resource it has not created yet.
    return hooks.preview ? "" : `${r.name}-id`;
  };

  const answerOutputs = (r: Registration): Record<string, unknown> => {
    const merged = { ...r.inputs, ...(hooks.outputs?.(r) ?? {}) };
    return applyAdditionalSecretOutputs(merged, r.options.additionalSecretOutputs);
  };

  const server = new grpc.Server();
  const impl: resrpc.IResourceMonitorServer = {
    getDeploymentInfo: unimplemented("GetDeploymentInfo"),
    supportsFeature: unary((req: resproto.SupportsFeatureRequest) => {
      featuresAsked.push(req.getId());
      return new resproto.SupportsFeatureResponse().setHassupport(features[req.getId()] === true);
    }),
    registerResource: unary((req: resproto.RegisterResourceRequest) => {
      const ct = req.getCustomtimeouts();
      const reg: Registration = {
        kind: "register",
        type: req.getType(),
        name: req.getName(),
        urn: makeUrn(hooks.stack, hooks.project, req.getParent(), req.getType(), req.getName()),
        id: "",
        parent: req.getParent(),
        custom: req.getCustom(),
        remote: req.getRemote(),
        provider: req.getProvider(),
        providers: stringMap(req.getProvidersMap()),
        dependencies: req.getDependenciesList(),
        inputs: structToJs(req.getObject()),
        propertyDependencies: depsMap(req.getPropertydependenciesMap()),
        options: {
          protect: req.hasProtect() ? req.getProtect() : undefined,
          ignoreChanges: req.getIgnorechangesList(),
          deleteBeforeReplace: req.getDeletebeforereplacedefined()
            ? req.getDeletebeforereplace()
            : undefined,
          additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
          replaceOnChanges: req.getReplaceonchangesList(),
          retainOnDelete: req.hasRetainondelete() ? req.getRetainondelete() : undefined,
          deletedWith: req.getDeletedwith(),
          replaceWith: req.getReplaceWithList(),
          hideDiffs: req.getHidediffsList(),
          version: req.getVersion(),
          pluginDownloadURL: req.getPlugindownloadurl(),
          importId: req.getImportid(),
          customTimeouts: ct
            ? {
                create: ct.getCreate(),
                update: ct.getUpdate(),
                delete: ct.getDelete(),
                read: ct.getRead(),
              }
            : undefined,
          aliases: [...req.getAliasesList().map((a) => a.toObject()), ...req.getAliasurnsList()],
        },
        outputs: {},
      };
      if (resources.some((r) => r.urn === reg.urn)) {
        // The engine refuses a second resource with the same URN; so do we.
        throw new Error(`Duplicate resource URN '${reg.urn}'; try giving it a unique name`);
      }
      reg.id = answerId(reg);
      reg.outputs = answerOutputs(reg);
      resources.push(reg);
      return new resproto.RegisterResourceResponse()
        .setUrn(reg.urn)
        .setId(reg.id)
        .setObject(jsToStruct(reg.outputs))
        .setResult(resproto.Result.SUCCESS);
    }),
    registerResourceOutputs: unary((req: resproto.RegisterResourceOutputsRequest) => {
      const urn = req.getUrn();
      const reg = resources.find((r) => r.urn === urn);
      if (!reg) {
        throw new Error(`RegisterResourceOutputs for unknown URN '${urn}'`);
      }
      reg.registeredOutputs = structToJs(req.getOutputs());
      return new emptypb.Empty();
    }),
    readResource: unary((req: resproto.ReadResourceRequest) => {
      const reg: Registration = {
        kind: "read",
        type: req.getType(),
        name: req.getName(),
        urn: makeUrn(hooks.stack, hooks.project, req.getParent(), req.getType(), req.getName()),
        id: req.getId(),
        parent: req.getParent(),
        custom: true,
        remote: false,
        provider: req.getProvider(),
        providers: {},
        dependencies: req.getDependenciesList(),
        inputs: structToJs(req.getProperties()),
        propertyDependencies: {},
        options: {
          ignoreChanges: [],
          additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
          replaceOnChanges: [],
          deletedWith: "",
          replaceWith: [],
          hideDiffs: [],
          version: req.getVersion(),
          pluginDownloadURL: req.getPlugindownloadurl(),
          importId: "",
          aliases: [],
        },
        outputs: {},
      };
      reg.outputs = answerOutputs(reg);
      resources.push(reg);
      return new resproto.ReadResourceResponse()
        .setUrn(reg.urn)
        .setProperties(jsToStruct(reg.outputs));
    }),
    invoke: unary(async (req: resproto.ResourceInvokeRequest) => {
      const rec: InvokeRecord = {
        token: req.getTok(),
        args: structToJs(req.getArgs()),
        provider: req.getProvider(),
        version: req.getVersion(),
      };
      invokes.push(rec);
      if (!hooks.invoke) {
        throw new Error(`the test harness has no invoke handler for '${rec.token}'`);
      }
      const result = await hooks.invoke(rec.token, rec.args, rec);
      return new provproto.InvokeResponse().setReturn(
        jsToStruct((result ?? {}) as Record<string, unknown>),
      );
    }),
    call: unary(async (req: resproto.ResourceCallRequest) => {
      const rec: CallRecord = {
        token: req.getTok(),
        args: structToJs(req.getArgs()),
        argDependencies: depsMap(req.getArgdependenciesMap()),
        provider: req.getProvider(),
      };
      calls.push(rec);
      if (!hooks.call) {
        throw new Error(`the test harness has no call handler for '${rec.token}'`);
      }
      const result = await hooks.call(rec.token, rec.args, rec);
      return new provproto.CallResponse().setReturn(
        jsToStruct((result ?? {}) as Record<string, unknown>),
      );
    }),
    registerStackTransform: unimplemented("RegisterStackTransform"),
    registerStackInvokeTransform: unimplemented("RegisterStackInvokeTransform"),
    registerResourceHook: unimplemented("RegisterResourceHook"),
    registerErrorHook: unimplemented("RegisterErrorHook"),
    registerPackage: unary((req: resproto.RegisterPackageRequest) => {
      const p = req.getParameterization();
      const rec: PackageRecord = {
        ref: randomUUID(),
        name: req.getName(),
        version: req.getVersion(),
        downloadUrl: req.getDownloadUrl(),
        parameterization: p
          ? { name: p.getName(), version: p.getVersion(), value: p.getValue_asU8() }
          : undefined,
      };
      packages.push(rec);
      return new resproto.RegisterPackageResponse().setRef(rec.ref);
    }),
    signalAndWaitForShutdown: unary(() => {
      // The engine answers once all steps (deletes included) are done; nothing is pending here.
      shutdown = true;
      return new emptypb.Empty();
    }),
  };
  server.addService(resrpc.ResourceMonitorService, impl);
  const bound = await bindLoopback(server);
  return {
    address: bound.address,
    resources,
    invokes,
    calls,
    packages,
    featuresAsked,
    shutdownSignalled: () => shutdown,
    stop: bound.stop,
  };
}

// ------------------------------------------------------------------------------------------------
// Running a program.
// ------------------------------------------------------------------------------------------------

/** Options of {@link runProgram}. */
export interface RunProgramOptions {
  /** Folder holding `Pulumi.yaml` (and the program, unless `main` points elsewhere). */
  projectDir: string;
  /** Project name; defaults to `name` in Pulumi.yaml. */
  project?: string;
  stack: string;
  /** Organization passed to the program (`pulumi.getOrganization()`); the local backend's default. */
  organization?: string;
  /**
   * Stack config as `pulumi config` holds it: `"<namespace>:<key>" -> string` (a bare key gets the
   * project namespace). Values are plaintext here; list secret ones in `secretKeys`.
   */
  config?: Record<string, string>;
  /** Config keys (same spelling as in `config`) whose values are secrets. */
  secretKeys?: string[];
  /** `true` runs as `pulumi preview` (`--dry-run`); default `false` (`pulumi up`). */
  preview?: boolean;
  /** Extra outputs per resource, merged over its inputs (see {@link MonitorHooks.outputs}). */
  outputs?: MonitorHooks["outputs"];
  /** Id per custom resource (see {@link MonitorHooks.id}). */
  id?: MonitorHooks["id"];
  invoke?: MonitorHooks["invoke"];
  call?: MonitorHooks["call"];
  features?: MonitorHooks["features"];
  /** Extra environment for the program (e.g. `PULUMI_NODEJS_TRANSPILE_ONLY: "true"`). */
  env?: Record<string, string>;
  /** Program arguments after the entry point (`RunRequest.args`). */
  args?: string[];
  /** `--parallel`; default GOMAXPROCS*4 like the CLI. */
  parallel?: number;
  /** Kill the program and fail after this long; default 60 000 ms. */
  timeoutMs?: number;
}

/** What a program run left behind. */
export interface RunResult {
  /** The program's exit code: 0 ok, 32 "error already reported to the user", else failure. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Every registration (the stack first), in arrival order. */
  resources: Registration[];
  /** Outputs the stack registered (`export const ...`), wire-encoded: secrets stay sig objects. */
  stackOutputs: Record<string, unknown>;
  /** Everything the program sent to `Engine.Log`. */
  logs: LogEntry[];
  invokes: InvokeRecord[];
  calls: CallRecord[];
  packages: PackageRecord[];
  featuresAsked: string[];
  /** Whether the program ended with `SignalAndWaitForShutdown` (a clean run does). */
  shutdownSignalled: boolean;
  rootUrn: string;
  stdout: string;
  stderr: string;
  /** The exact command line used, for error messages. */
  command: string[];
}

interface ProgramLayout {
  name: string;
  /** `ProgramInfo.ProgramDirectory`: where the program runs (`--pwd`). */
  programDir: string;
  /** `ProgramInfo.EntryPoint`: "." or a file relative to programDir. */
  entryPoint: string;
  options: Record<string, unknown>;
}

/** Reads Pulumi.yaml the way the CLI does for a Node.js project (name, main, runtime options). */
function readProject(projectDir: string): ProgramLayout {
  const file = ["Pulumi.yaml", "Pulumi.yml"]
    .map((f) => path.join(projectDir, f))
    .find((f) => fs.existsSync(f));
  if (!file) {
    throw new Error(`no Pulumi.yaml in ${projectDir}`);
  }
  const doc = YAML.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  const runtime = doc["runtime"];
  const options =
    isPlainObject(runtime) && isPlainObject(runtime["options"]) ? runtime["options"] : {};
  const main = typeof doc["main"] === "string" ? doc["main"] : "";
  let programDir = projectDir;
  let entryPoint = ".";
  if (main !== "") {
    // Like ProjectInfo.GetPwdMain: a directory `main` becomes the working directory.
    const abs = path.resolve(projectDir, main);
    if (fs.existsSync(abs) && fs.statSync(abs).isDirectory()) {
      programDir = abs;
    } else {
      entryPoint = main;
    }
  }
  return { name: String(doc["name"] ?? ""), programDir, entryPoint, options };
}

/**
 * Config as the language host hands it to Node.js: `PULUMI_CONFIG` is keyed `<ns>:config:<key>`
 * (the old format `constructConfig` still produces for older SDKs); secret keys stay `<ns>:<key>`.
 */
function configEnv(
  project: string,
  config: Record<string, string>,
  secretKeys: string[],
): { PULUMI_CONFIG: string; PULUMI_CONFIG_SECRET_KEYS: string } {
  const qualify = (k: string): [string, string] => {
    const i = k.indexOf(":");
    return i < 0 ? [project, k] : [k.slice(0, i), k.slice(i + 1)];
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) {
    const [ns, name] = qualify(k);
    out[`${ns}:config:${name}`] = v;
  }
  return {
    PULUMI_CONFIG: JSON.stringify(out),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(secretKeys.map((k) => qualify(k).join(":"))),
  };
}

/**
 * Runs the program in `projectDir` as `pulumi up` (or `preview`) would, through
 * `node <projectDir>/node_modules/@pulumi/pulumi/cmd/run`, and reports what it registered.
 * Both servers are stopped and the child killed whatever happens; a timeout rejects.
 */
export async function runProgram(opts: RunProgramOptions): Promise<RunResult> {
  const layout = readProject(opts.projectDir);
  const project = opts.project ?? layout.name;
  const preview = opts.preview ?? false;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const started = Date.now();
  const remaining = (): number => Math.max(1, timeoutMs - (Date.now() - started));

  const engine = await startFakeEngine();
  let monitor: FakeMonitor | undefined;
  let child: ReturnType<typeof spawn> | undefined;
  try {
    monitor = await startFakeMonitor({
      project,
      stack: opts.stack,
      preview,
      outputs: opts.outputs,
      id: opts.id,
      invoke: opts.invoke,
      call: opts.call,
      features: opts.features,
    });
    const runPath = await locateModule("@pulumi/pulumi/cmd/run", layout.programDir, remaining());

    // constructArguments: empty values are left out; --sync (pipes for the long-deprecated
    // synchronous invokes) is not offered, so such invokes fail instead of hanging.
    const args = [runPath];
    const add = (k: string, v: string | undefined): void => {
      if (v) {
        args.push(`--${k}`, v);
      }
    };
    add("monitor", monitor.address);
    add("engine", engine.address);
    add("organization", opts.organization ?? "organization");
    add("project", project);
    add("root-directory", opts.projectDir);
    add("stack", opts.stack);
    add("pwd", layout.programDir);
    if (preview) {
      args.push("--dry-run");
    }
    add("parallel", String(opts.parallel ?? os.availableParallelism() * 4));
    args.push(layout.entryPoint, ...(opts.args ?? []));

    const env: Record<string, string> = {
      ...baseEnv(),
      ...configEnv(project, opts.config ?? {}, opts.secretKeys ?? []),
    };
    // parseOptions: `typescript` defaults to true; `tsconfig` becomes PULUMI_NODEJS_TSCONFIG_PATH.
    if (layout.options["typescript"] !== false) {
      env["PULUMI_NODEJS_TYPESCRIPT"] = "true";
    }
    if (typeof layout.options["tsconfig"] === "string") {
      env["PULUMI_NODEJS_TSCONFIG_PATH"] = layout.options["tsconfig"];
    }
    Object.assign(env, opts.env ?? {});
    const nodeargs =
      typeof layout.options["nodeargs"] === "string"
        ? layout.options["nodeargs"].split(/\s+/).filter(Boolean)
        : [];
    const command = [process.execPath, ...nodeargs, ...args];

    let stdout = "";
    let stderr = "";
    const proc = spawn(command[0] as string, command.slice(1), {
      cwd: layout.programDir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    proc.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
    proc.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));

    const { code, signal } = await new Promise<{
      code: number | null;
      signal: NodeJS.Signals | null;
    }>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `program did not finish within ${timeoutMs} ms: ${command.join(" ")}\n` +
              `stderr:\n${stderr.slice(-4000)}\nlogs:\n` +
              engine.logs.map((l) => `${l.severity}: ${l.message}`).join("\n"),
          ),
        );
      }, remaining());
      proc.once("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      // "close" (not "exit") so that stdout/stderr are complete.
      proc.once("close", (c, s) => {
        clearTimeout(timer);
        resolve({ code: c, signal: s });
      });
    });

    const stack = monitor.resources.find((r) => r.type === ROOT_STACK_TYPE && r.parent === "");
    return {
      exitCode: code,
      signal,
      resources: monitor.resources,
      stackOutputs: stack?.registeredOutputs ?? {},
      logs: engine.logs,
      invokes: monitor.invokes,
      calls: monitor.calls,
      packages: monitor.packages,
      featuresAsked: monitor.featuresAsked,
      shutdownSignalled: monitor.shutdownSignalled(),
      rootUrn: engine.rootUrn(),
      stdout,
      stderr,
      command,
    };
  } finally {
    if (child) {
      await killChild(child);
    }
    monitor?.stop();
    engine.stop();
  }
}

// ------------------------------------------------------------------------------------------------
// Fixture staging.
// ------------------------------------------------------------------------------------------------

/** A copy of a fixture folder in a temp dir, with `node_modules` linked to the project's. */
export interface StagedDir {
  dir: string;
  /** Removes the copy (the link only, never the linked node_modules). */
  cleanup(): void;
}

/**
 * Copies `srcDir` to a fresh temp folder and links `node_modules` there to `nodeModulesDir`
 * (default: the one this process loads the SDK from), so that the SDK, ts-node and typescript resolve exactly as in an
 * installed project without installing anything.
 */
export function stageDir(srcDir: string, nodeModulesDir?: string): StagedDir {
  // The node_modules folder that holds the SDK this process uses (`<modules>/@pulumi/pulumi`).
  const modules =
    nodeModulesDir ??
    path.dirname(path.dirname(path.dirname(require.resolve("@pulumi/pulumi/package.json"))));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-harness-"));
  fs.cpSync(srcDir, dir, { recursive: true });
  fs.symlinkSync(modules, path.join(dir, "node_modules"), "dir");
  return {
    dir,
    cleanup: () => {
      // rmSync does not follow the node_modules symlink: it removes the link itself.
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
