/**
 * Errors of the dynamic-provider host as a test receives them: the host's own message and gRPC
 * status, plus what a partially failed Create/Update/Read left (the engine's
 * `ErrorResourceInitFailed` detail).
 */
import * as grpc from "@grpc/grpc-js";
import * as anypb from "google-protobuf/google/protobuf/any_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { structToJs } from "./wire";

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

/** The error a failed RPC to the host rejects with. */
export function toProviderError(err: grpc.ServiceError, what: string): ProviderError {
  // `details` is the host's own message; grpc-js prefixes `message` with the status.
  const message = err.details || err.message || `${what} failed`;
  return new ProviderError(message, err.code, initFailureOf(err));
}
