/**
 * The fake ResourceMonitor a program talks to: it answers registrations, reads, invokes, calls and
 * package registrations the way the engine's `resmon` (`pkg/resource/deploy/source_eval.go`) does
 * for the parts a program can observe, and records everything for the test.
 */
import { randomUUID } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import * as emptypb from "google-protobuf/google/protobuf/empty_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as resrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { bindLoopback, unary, unimplemented } from "./grpcPlumbing";
import {
  DEFAULT_FEATURES,
  makeUrn,
  type CallRecord,
  type InvokeRecord,
  type MonitorHooks,
  type PackageRecord,
  type Registration,
} from "./registrations";
import { isSecret, jsToStruct, secret, structToJs } from "./wire";

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
