// Self-tests of the engine harness: the real SDK entry point runs a real TS program against the
// fake monitor/engine, and everything it registers is checked as the engine would see it.
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as resrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import {
  FakeMonitor,
  StagedDir,
  makeUrn,
  runProgram,
  stageDir,
  startFakeMonitor,
} from "../src/engine";
import { jsToStruct } from "../src/wire";

const FIXTURE = path.join(__dirname, "fixtures", "program");
const PROJECT = "harness-fixture";
const STACK = "dev";
// Type-checking the fixture is not what these tests are about; transpiling keeps a run ~2 s.
const FAST = { PULUMI_NODEJS_TRANSPILE_ONLY: "true" };
// The harness's own bound stays below jest's, so that a slow run is killed by the harness (which
// cleans up) rather than abandoned by jest.
const RUN_TIMEOUT_MS = 40_000;
const TEST_TIMEOUT_MS = 60_000;

const rand = (): string => randomBytes(12).toString("hex");

describe("runProgram", () => {
  let staged: StagedDir;

  beforeAll(() => {
    staged = stageDir(FIXTURE);
  });

  afterAll(() => {
    staged?.cleanup();
  });

  // The success path of runProgram is exercised by test/stacks/pulumiRun.spec.ts on the real program.
  test(
    "a program that throws exits non-zero with its message in the engine log",
    async () => {
      const message = rand();
      const r = await runProgram({
        projectDir: staged.dir,
        stack: STACK,
        config: { mode: "throw", failureMessage: message },
        env: FAST,
        timeoutMs: RUN_TIMEOUT_MS,
      });

      // 32: the SDK already reported the error to the engine; the CLI prints nothing more.
      expect(r.exitCode).toBe(32);
      const errors = r.logs.filter((l) => l.severity === "error").map((l) => l.message);
      expect(errors.join("\n")).toContain(`fixture failure: ${message}`);
      expect(r.shutdownSignalled).toBe(false);
    },
    TEST_TIMEOUT_MS,
  );
});

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
