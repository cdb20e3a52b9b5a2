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
import * as emptypb from "google-protobuf/google/protobuf/empty_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import { startFakeEngine, type FakeEngine } from "./fakeEngine";
import type { UnaryMethod } from "./grpcPlumbing";
import { baseEnv, killChild, locateModule, readPluginPort } from "./pluginProcess";
import { resourceCalls } from "./providerCalls";
import { ProviderError, toProviderError } from "./providerErrors";
import { marshalValue } from "./providerMarshal";
import type {
  DynamicProviderHost,
  DynamicProviderHostOptions,
  ProviderProtocol,
} from "./providerTypes";
import { jsToStruct } from "./wire";

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
      ...resourceCalls(c, rpc, protocol),
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
