/**
 * gRPC plumbing shared by the harnesses: fake servers bound to 127.0.0.1, handlers whose throws
 * become gRPC errors, and the shape of the generated clients' unary methods that the hosts call.
 */
import * as grpc from "@grpc/grpc-js";

/** A gRPC server bound to 127.0.0.1 on a free port. */
export interface BoundServer {
  server: grpc.Server;
  /** `127.0.0.1:<port>`, the form the engine passes to its plugins. */
  address: string;
  /** Stops the server at once, dropping live calls (bounded: never waits on a client). */
  stop(): void;
}

/** Starts `server` on 127.0.0.1 only, on a port the OS picks. */
export function bindLoopback(server: grpc.Server): Promise<BoundServer> {
  return new Promise((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
      if (err) {
        reject(err);
        return;
      }
      let stopped = false;
      resolve({
        server,
        address: `127.0.0.1:${port}`,
        stop: () => {
          if (!stopped) {
            stopped = true;
            server.forceShutdown();
          }
        },
      });
    });
  });
}

/** A gRPC error carrying `message`, which the SDK turns back into an `Error`. */
export function grpcError(message: string, code = grpc.status.UNKNOWN): grpc.ServiceError {
  return Object.assign(new Error(message), {
    code,
    details: message,
    metadata: new grpc.Metadata(),
  });
}

/** Wraps an async handler so that a throw becomes a gRPC error instead of a hung call. */
export function unary<Req, Res>(
  fn: (req: Req) => Promise<Res> | Res,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => fn(call.request))
      .then(
        (res) => callback(null, res),
        (err: unknown) => {
          const message = err instanceof Error ? err.message : String(err);
          callback(grpcError(message));
        },
      );
  };
}

/** A handler for an RPC the harness does not serve: fails with UNIMPLEMENTED, naming it. */
export function unimplemented<Req, Res>(what: string): grpc.handleUnaryCall<Req, Res> {
  return (_call, callback) =>
    callback(
      grpcError(`${what} is not implemented by the test harness`, grpc.status.UNIMPLEMENTED),
    );
}

/** A unary method of a generated gRPC client, in its (request, metadata, options, callback) form. */
export type UnaryMethod<Req, Res> = (
  req: Req,
  md: grpc.Metadata,
  opts: Partial<grpc.CallOptions>,
  cb: (err: grpc.ServiceError | null, res: Res) => void,
) => grpc.ClientUnaryCall;

/** Calls one unary method of a host's client; `what` names the RPC in errors. */
export type Rpc = <Req, Res>(method: UnaryMethod<Req, Res>, req: Req, what: string) => Promise<Res>;
