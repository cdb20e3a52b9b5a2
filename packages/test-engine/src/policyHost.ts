/**
 * Drives a Node.js policy pack through the SDK's policy entry point
 * (`@pulumi/pulumi/cmd/run-policy-pack`) the way `pulumi preview --policy-pack <dir>` does, and
 * talks `pulumirpc.Analyzer` to the `@pulumi/policy` server the pack starts.
 *
 * How the CLI does it (pulumi-language-nodejs `RunPlugin` for kind=analyzer, plus
 * `plugin.NewPolicyAnalyzer` and `engine.LoadLocalPolicyPackAnalyzers`):
 *  - command: `node <packDir>/node_modules/@pulumi/pulumi/cmd/run-policy-pack <engineAddr> <packDir>`
 *    with the pack folder as working directory. run-policy-pack drops the engine address and
 *    `require`s the pack folder (its package.json `main`), after registering ts-node.
 *  - TypeScript: run-policy-pack always registers ts-node with `typeCheck: true` (it ignores
 *    PULUMI_NODEJS_TRANSPILE_ONLY), using the pack's tsconfig.json merged over ES2020/nodenext
 *    defaults. So a TS pack is type-checked at every start; keep its imports small.
 *  - `new PolicyPack(...)` reads `version` from `<cwd>/package.json`, starts the analyzer gRPC
 *    server on 127.0.0.1 and prints its port as the first stdout line.
 *  - env: the stack's identity and config, learned by the language host's policy proxy through
 *    ConfigureStack: PULUMI_NODEJS_ORGANIZATION/PROJECT/STACK/DRY_RUN and PULUMI_CONFIG
 *    (`"<ns>:<key>"` -> string); PULUMI_NODEJS_TYPESCRIPT=true unless the runtime option says no.
 *  - then: ConfigureStack (forwarded by the proxy), GetAnalyzerInfo, Configure with the
 *    reconciled policy config (only if the pack supports config), then Analyze / AnalyzeStack.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as emptypb from "google-protobuf/google/protobuf/empty_pb";
import * as anrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as anproto from "@pulumi/pulumi/proto/analyzer_pb";
import * as YAML from "yaml";
import { startFakeEngine, type FakeEngine } from "./fakeEngine";
import type { UnaryMethod } from "./grpcPlumbing";
import { baseEnv, killChild, locateModule, readPluginPort } from "./pluginProcess";
import { configureRequest } from "./policyConfig";
import { analyzeRequest, analyzerResource, decodeAnalysis, decodeInfo } from "./policyMessages";
import {
  PolicyHostError,
  type AnalysisResult,
  type AnalyzedResource,
  type PolicyHost,
  type PolicyHostOptions,
  type PolicyPackConfig,
} from "./policyTypes";
import { makeUrn } from "./registrations";

/** Starts the policy pack in `packDir` as the CLI does and configures it. */
export async function startPolicyHost(opts: PolicyHostOptions): Promise<PolicyHost> {
  const packDir = path.resolve(opts.packDir);
  const startTimeoutMs = opts.startTimeoutMs ?? 30_000;
  const callTimeoutMs = opts.callTimeoutMs ?? 15_000;
  const stack = opts.stack ?? "stack";
  const project = opts.project ?? "project";
  const organization = opts.organization ?? "organization";

  const manifest = path.join(packDir, "PulumiPolicy.yaml");
  if (!fs.existsSync(manifest)) {
    throw new Error(`no PulumiPolicy.yaml in ${packDir}`);
  }
  const policyProject = YAML.parse(fs.readFileSync(manifest, "utf8")) as Record<string, unknown>;
  const runtime = policyProject["runtime"];
  const runtimeOptions =
    typeof runtime === "object" && runtime !== null
      ? ((runtime as Record<string, unknown>)["options"] as Record<string, unknown> | undefined)
      : undefined;

  const engine: FakeEngine = await startFakeEngine();
  let child: ReturnType<typeof spawn> | undefined;
  let client: anrpc.AnalyzerClient | undefined;
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
    const runPath = await locateModule("@pulumi/pulumi/cmd/run-policy-pack", packDir);
    const env: Record<string, string> = { ...baseEnv() };
    if (runtimeOptions?.["typescript"] !== false) {
      env["PULUMI_NODEJS_TYPESCRIPT"] = "true";
    }
    env["PULUMI_NODEJS_ORGANIZATION"] = organization;
    env["PULUMI_NODEJS_PROJECT"] = project;
    env["PULUMI_NODEJS_STACK"] = stack;
    env["PULUMI_NODEJS_DRY_RUN"] = String(opts.dryRun ?? true);
    env["PULUMI_CONFIG"] = JSON.stringify(opts.stackConfig ?? {});
    Object.assign(env, opts.env ?? {});
    const nodeargs =
      typeof runtimeOptions?.["nodeargs"] === "string"
        ? runtimeOptions["nodeargs"].split(/\s+/).filter(Boolean)
        : [];

    const proc = spawn(process.execPath, [runPath, ...nodeargs, engine.address, packDir], {
      cwd: packDir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    proc.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));

    const port = await readPluginPort(proc, "policy pack", startTimeoutMs, (out) => {
      stdout += out;
    });

    const address = `127.0.0.1:${port}`;
    const c = new anrpc.AnalyzerClient(address, grpc.credentials.createInsecure());
    client = c;
    const rpc = <Req, Res>(method: UnaryMethod<Req, Res>, req: Req, what: string): Promise<Res> =>
      new Promise((resolve, reject) => {
        if (stopped) {
          reject(new Error(`${what}: the policy host was stopped`));
          return;
        }
        method.call(
          c,
          req,
          new grpc.Metadata(),
          { deadline: Date.now() + callTimeoutMs },
          (err, res) =>
            err ? reject(new PolicyHostError(err.details || err.message, err.code)) : resolve(res),
        );
      });

    // ConfigureStack reaches the pack through the language host's proxy; older packs may not
    // implement it, which the proxy ignores.
    const stackReq = new anproto.AnalyzerStackConfigureRequest()
      .setStack(stack)
      .setProject(project)
      .setOrganization(organization)
      .setDryRun(opts.dryRun ?? true);
    for (const [k, v] of Object.entries(opts.stackConfig ?? {})) {
      stackReq.getConfigMap().set(k, v);
    }
    for (const [k, v] of Object.entries(opts.stackTags ?? {})) {
      stackReq.getTagsMap().set(k, v);
    }
    try {
      await rpc(c.configureStack, stackReq, "ConfigureStack");
    } catch (e) {
      if (!(e instanceof PolicyHostError && e.code === grpc.status.UNIMPLEMENTED)) {
        throw e;
      }
    }

    const getInfo = (): Promise<anproto.AnalyzerInfo> =>
      rpc(c.getAnalyzerInfo, new emptypb.Empty(), "GetAnalyzerInfo");

    const configure = async (config: PolicyPackConfig): Promise<void> => {
      const info = await getInfo();
      if (!info.getSupportsconfig()) {
        if (Object.keys(config).length > 0) {
          throw new Error(`policy pack ${info.getName()} does not support config`);
        }
        return;
      }
      await rpc(c.configure, configureRequest(info, config), "Configure");
    };
    // LoadLocalPolicyPackAnalyzers: GetAnalyzerInfo, then Configure only if config is supported.
    await configure(opts.config ?? {});

    const urnOf = (r: AnalyzedResource): string =>
      r.urn ?? makeUrn(stack, project, r.parent ?? "", r.type, r.name);

    const analyzeDetailed = async (resources: AnalyzedResource[]): Promise<AnalysisResult> => {
      const out: AnalysisResult = { diagnostics: [], notApplicable: [] };
      for (const r of resources) {
        const urn = urnOf(r);
        const res = decodeAnalysis(await rpc(c.analyze, analyzeRequest(r, urn), "Analyze"), urn);
        out.diagnostics.push(...res.diagnostics);
        out.notApplicable.push(...res.notApplicable);
      }
      return out;
    };

    const host: PolicyHost = {
      address,
      info: async () => decodeInfo(await getInfo()),
      analyze: async (resources) => (await analyzeDetailed(resources)).diagnostics,
      analyzeDetailed,
      configure,
      analyzeStack: async (resources) => {
        const req = new anproto.AnalyzeStackRequest().setResourcesList(
          resources.map((r) => analyzerResource(r, urnOf(r))),
        );
        return decodeAnalysis(await rpc(c.analyzeStack, req, "AnalyzeStack"), "").diagnostics;
      },
      output: () => ({ stdout, stderr }),
      stop,
    };
    return host;
  } catch (e) {
    await stop();
    if (e instanceof Error && stderr) {
      e.message += `\npolicy pack stderr:\n${stderr.slice(-4000)}`;
    }
    throw e;
  }
}
