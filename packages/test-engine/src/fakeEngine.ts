/**
 * The fake `pulumirpc.Engine` service: it records the logs a program or plugin sends and the root
 * resource (the stack). Programs get its address as `--engine`; plugins (dynamic providers,
 * policy packs) as their first argument, as the engine's `host.ServerAddr()`.
 */
import * as grpc from "@grpc/grpc-js";
import * as emptypb from "google-protobuf/google/protobuf/empty_pb";
import * as engrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engproto from "@pulumi/pulumi/proto/engine_pb";
import { bindLoopback, unary, unimplemented } from "./grpcPlumbing";

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
