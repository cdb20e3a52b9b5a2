// Self-tests of the fake ResourceMonitor, spoken to over gRPC like a program does, and of the URNs
// it builds.
import * as grpc from "@grpc/grpc-js";
import * as resrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { startFakeMonitor, type FakeMonitor } from "../src/fakeMonitor";
import { makeUrn } from "../src/registrations";
import { jsToStruct } from "../src/wire";

const PROJECT = "harness-fixture";
const STACK = "dev";

describe("fake monitor", () => {
  let monitor: FakeMonitor | undefined;
  let client: resrpc.ResourceMonitorClient | undefined;

  afterEach(() => {
    client?.close();
    monitor?.stop();
    client = undefined;
    monitor = undefined;
  });

  test("an invoke without a handler fails with an error naming the token", async () => {
    monitor = await startFakeMonitor({ project: PROJECT, stack: STACK, preview: false });
    const c = new resrpc.ResourceMonitorClient(monitor.address, grpc.credentials.createInsecure());
    client = c;
    const req = new resproto.ResourceInvokeRequest()
      .setTok("harness:index:missing")
      .setArgs(jsToStruct({}));
    const err = await new Promise<grpc.ServiceError | null>((resolve) =>
      c.invoke(req, new grpc.Metadata(), { deadline: Date.now() + 5_000 }, (e) => resolve(e)),
    );
    expect(err?.details).toContain("harness:index:missing");
  });

  test("URNs follow the engine: no parent type for children of the stack", () => {
    expect(makeUrn("s", "p", "", "a:b:C", "n")).toBe("urn:pulumi:s::p::a:b:C::n");
    expect(makeUrn("s", "p", "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s", "a:b:C", "n")).toBe(
      "urn:pulumi:s::p::a:b:C::n",
    );
    expect(makeUrn("s", "p", "urn:pulumi:s::p::x:y:Z$a:b:C::n", "d:e:F", "m")).toBe(
      "urn:pulumi:s::p::x:y:Z$a:b:C$d:e:F::m",
    );
  });
});
