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
 * `execRuntime`, `constructArguments`, `constructConfig`). The servers it runs against are in
 * fakeEngine.ts and fakeMonitor.ts; how it reads the project and passes config, in project.ts.
 */
import { spawn } from "node:child_process";
import * as os from "node:os";
import { startFakeEngine, type LogEntry } from "./fakeEngine";
import { startFakeMonitor, type FakeMonitor } from "./fakeMonitor";
import { baseEnv, killChild, locateModule } from "./pluginProcess";
import { configEnv, readProject } from "./project";
import {
  ROOT_STACK_TYPE,
  type CallRecord,
  type InvokeRecord,
  type MonitorHooks,
  type PackageRecord,
  type Registration,
} from "./registrations";

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
