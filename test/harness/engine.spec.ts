// Self-tests of the engine harness: the real SDK entry point runs a real TS program against the
// fake monitor/engine, and everything it registers is checked as the engine would see it.
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as resrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import {
  FakeMonitor,
  Registration,
  RunResult,
  StagedDir,
  jsToStruct,
  makeUrn,
  runProgram,
  secret,
  stageDir,
  startFakeMonitor,
} from "./engine";

const FIXTURE = path.join(__dirname, "fixtures", "program");
const PROJECT = "harness-fixture";
const STACK = "dev";
const STACK_URN = `urn:pulumi:${STACK}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${STACK}`;
const BUNDLE_URN = `urn:pulumi:${STACK}::${PROJECT}::harness:index:Bundle::main`;
const WIDGET_URN = `urn:pulumi:${STACK}::${PROJECT}::harness:index:Bundle$harness:index:Widget::main-widget`;
// Type-checking the fixture is not what these tests are about; transpiling keeps a run ~2 s.
const FAST = { PULUMI_NODEJS_TRANSPILE_ONLY: "true" };
// The harness's own bound stays below jest's, so that a slow run is killed by the harness (which
// cleans up) rather than abandoned by jest.
const RUN_TIMEOUT_MS = 40_000;
const TEST_TIMEOUT_MS = 60_000;

const rand = (): string => randomBytes(12).toString("hex");

function find(r: RunResult, type: string): Registration {
  const reg = r.resources.find((x) => x.type === type);
  if (!reg) {
    throw new Error(`no ${type} registered; stderr:\n${r.stderr}`);
  }
  return reg;
}

describe("runProgram", () => {
  let staged: StagedDir;

  beforeAll(() => {
    staged = stageDir(FIXTURE);
  });

  afterAll(() => {
    staged?.cleanup();
  });

  test(
    "pulumi up: component, custom resource, secret input, invoke and stack outputs",
    async () => {
      const token = rand();
      const label = rand();
      const serial = rand();
      const r = await runProgram({
        projectDir: staged.dir,
        stack: STACK,
        config: { token, label },
        secretKeys: ["token"],
        outputs: (reg) => (reg.type === "harness:index:Widget" ? { serial } : undefined),
        invoke: (tok, args) => ({ region: `${tok}/${String(args["zone"])}` }),
        env: FAST,
        timeoutMs: RUN_TIMEOUT_MS,
      });

      expect({ exitCode: r.exitCode, stderr: r.stderr }).toEqual({ exitCode: 0, stderr: "" });
      expect(r.shutdownSignalled).toBe(true);
      expect(r.rootUrn).toBe(STACK_URN);
      expect(r.featuresAsked).toEqual(expect.arrayContaining(["secrets", "outputValues"]));

      const stack = find(r, "pulumi:pulumi:Stack");
      expect(stack).toMatchObject({ name: `${PROJECT}-${STACK}`, parent: "", urn: STACK_URN });

      const bundle = find(r, "harness:index:Bundle");
      expect(bundle).toMatchObject({ custom: false, parent: STACK_URN, urn: BUNDLE_URN, id: "" });
      expect(bundle.registeredOutputs).toEqual({ widgetUrn: WIDGET_URN });

      const widget = find(r, "harness:index:Widget");
      expect(widget).toMatchObject({
        custom: true,
        parent: BUNDLE_URN,
        urn: WIDGET_URN,
        id: "main-widget-id",
        provider: "",
      });
      // The secret config value reaches the monitor as a wire secret, never as plaintext.
      expect(widget.inputs).toEqual({ size: 3, token: secret(token) });
      expect(Object.keys(widget.propertyDependencies).sort()).toEqual(["size", "token"]);
      expect(widget.options).toMatchObject({
        protect: true,
        ignoreChanges: ["size"],
        additionalSecretOutputs: ["serial"],
        deleteBeforeReplace: undefined,
      });

      expect(r.invokes).toEqual([
        expect.objectContaining({ token: "harness:index:getRegion", args: { zone: label } }),
      ]);

      expect(r.stackOutputs).toEqual({
        widgetSize: 3,
        widgetToken: secret(token),
        // additionalSecretOutputs: the harness, like the engine, returned it secret.
        widgetSerial: secret(serial),
        label,
        dryRun: false,
        region: `harness:index:getRegion/${label}`,
      });
    },
    TEST_TIMEOUT_MS,
  );

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
