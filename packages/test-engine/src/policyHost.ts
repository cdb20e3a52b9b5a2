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
import { FakeEngine, startFakeEngine } from "./fakeEngine";
import { makeUrn } from "./registrations";
import type { UnaryMethod } from "./grpcPlumbing";
import { baseEnv, killChild, locateModule, readPluginPort } from "./pluginProcess";
import { jsToStruct, structToJs } from "./wire";

/** Enforcement levels as policy packs spell them. */
export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

const LEVELS: Record<number, EnforcementLevel> = {
  [anproto.EnforcementLevel.ADVISORY]: "advisory",
  [anproto.EnforcementLevel.MANDATORY]: "mandatory",
  [anproto.EnforcementLevel.REMEDIATE]: "remediate",
  [anproto.EnforcementLevel.DISABLED]: "disabled",
};

const LEVEL_CODES: Record<EnforcementLevel, anproto.EnforcementLevel> = {
  advisory: anproto.EnforcementLevel.ADVISORY,
  mandatory: anproto.EnforcementLevel.MANDATORY,
  remediate: anproto.EnforcementLevel.REMEDIATE,
  disabled: anproto.EnforcementLevel.DISABLED,
};

/**
 * Policy config in the format of `pulumi preview --policy-pack-config <file>`: per policy name
 * (or "all"), an enforcement level or `{enforcementLevel?, ...properties}`.
 */
export type PolicyPackConfig = Record<
  string,
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

/** Options of {@link startPolicyHost}. */
export interface PolicyHostOptions {
  /** Folder with PulumiPolicy.yaml, package.json (with a version) and the entry point. */
  packDir: string;
  /** Policy config, applied over the pack's defaults as the CLI reconciles it. */
  config?: PolicyPackConfig;
  /** Stack identity and config sent in ConfigureStack and exported to the pack's environment. */
  stack?: string;
  project?: string;
  organization?: string;
  /** Stack config `"<ns>:<key>" -> string`, readable by the pack through `pulumi.Config`. */
  stackConfig?: Record<string, string>;
  stackTags?: Record<string, string>;
  dryRun?: boolean;
  env?: Record<string, string>;
  /** Bound on the start (ts-node type check included); default 30 000 ms. */
  startTimeoutMs?: number;
  /** Deadline of each RPC; default 15 000 ms. */
  callTimeoutMs?: number;
}

/** One policy as GetAnalyzerInfo describes it. */
export interface PolicyDescription {
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  type: "resource" | "stack" | "unknown";
}

/** GetAnalyzerInfo, decoded. */
export interface PolicyPackInfo {
  name: string;
  version: string;
  supportsConfig: boolean;
  policies: PolicyDescription[];
}

/** A resource to analyze. */
export interface AnalyzedResource {
  type: string;
  name: string;
  /** Defaults to the URN the engine would give a child of the stack. */
  urn?: string;
  /** Inputs (Analyze) or outputs (AnalyzeStack); secrets/unknowns as wire sig values. */
  properties: Record<string, unknown>;
  options?: {
    protect?: boolean;
    ignoreChanges?: string[];
    deleteBeforeReplace?: boolean;
    additionalSecretOutputs?: string[];
    aliases?: string[];
    parent?: string;
  };
  /** Parent URN (AnalyzeStack). */
  parent?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  provider?: { type: string; name: string; urn: string; properties: Record<string, unknown> };
}

/** A policy diagnostic. `urn` is filled with the analyzed resource's URN when the pack left it empty. */
export interface PolicyDiagnostic {
  policyName: string;
  policyPackName: string;
  message: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  urn: string;
}

/** Result of an analysis. */
export interface AnalysisResult {
  diagnostics: PolicyDiagnostic[];
  notApplicable: { policyName: string; reason: string }[];
}

/** A running policy pack. */
export interface PolicyHost {
  address: string;
  info(): Promise<PolicyPackInfo>;
  /** One `Analyze` per resource (what the engine does before each step), diagnostics merged. */
  analyze(resources: AnalyzedResource[]): Promise<PolicyDiagnostic[]>;
  /** Same, with not-applicable reports too. */
  analyzeDetailed(resources: AnalyzedResource[]): Promise<AnalysisResult>;
  /**
   * Sends Configure again with `config` reconciled over the pack's defaults (not over earlier
   * calls), as a new `pulumi preview --policy-pack-config` would; saves restarting the pack.
   */
  configure(config: PolicyPackConfig): Promise<void>;
  /** One `AnalyzeStack` over all resources (what the engine does at the end of an update). */
  analyzeStack(resources: AnalyzedResource[]): Promise<PolicyDiagnostic[]>;
  output(): { stdout: string; stderr: string };
  /** Closes the client, kills the pack, stops the fake engine. Idempotent. */
  stop(): Promise<void>;
}

/** An Analyzer RPC failure, with the pack's message. */
export class PolicyHostError extends Error {
  constructor(
    message: string,
    public readonly code: grpc.status,
  ) {
    super(message);
    this.name = "PolicyHostError";
  }
}

/** `SkipInternalKeys`: the engine never shows a pack top-level keys starting with "__". */
function withoutInternalKeys(props: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(props).filter(([k]) => !k.startsWith("__")));
}

/** Reconciles policy config like `ReconcilePolicyPackConfig`: defaults, initial, then given. */
function reconcileConfig(
  info: anproto.AnalyzerInfo,
  given: PolicyPackConfig,
): Map<string, { level: EnforcementLevel; properties: Record<string, unknown> }> {
  const result = new Map<
    string,
    { level: EnforcementLevel; properties: Record<string, unknown> }
  >();
  for (const p of info.getPoliciesList()) {
    const properties: Record<string, unknown> = {};
    const schema = structToJs(p.getConfigschema()?.getProperties());
    for (const [k, s] of Object.entries(schema)) {
      if (typeof s === "object" && s !== null && "default" in s) {
        properties[k] = (s as Record<string, unknown>)["default"];
      }
    }
    result.set(p.getName(), { level: LEVELS[p.getEnforcementlevel()] ?? "advisory", properties });
  }
  const apply = (
    cfg: Map<string, { level?: EnforcementLevel; properties: Record<string, unknown> }>,
  ): void => {
    const all = cfg.get("all");
    if (all?.level) {
      for (const v of result.values()) {
        v.level = all.level;
      }
    }
    for (const [name, c] of cfg) {
      const cur = result.get(name) ?? { level: "advisory" as EnforcementLevel, properties: {} };
      result.set(name, {
        level: c.level ?? cur.level,
        properties: { ...cur.properties, ...c.properties },
      });
    }
  };
  const initial = new Map<
    string,
    { level?: EnforcementLevel; properties: Record<string, unknown> }
  >();
  info.getInitialconfigMap().forEach((v, k) => {
    initial.set(k, {
      level: LEVELS[v.getEnforcementlevel()],
      properties: structToJs(v.getProperties()),
    });
  });
  apply(initial);
  const fromUser = new Map<
    string,
    { level?: EnforcementLevel; properties: Record<string, unknown> }
  >();
  for (const [k, v] of Object.entries(given)) {
    if (typeof v === "string") {
      fromUser.set(k, { level: v, properties: {} });
    } else {
      const { enforcementLevel, ...properties } = v;
      fromUser.set(k, { level: enforcementLevel, properties });
    }
  }
  apply(fromUser);
  // "all" only sets levels; it is not a policy of its own.
  result.delete("all");
  return result;
}

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

    const decodeInfo = (i: anproto.AnalyzerInfo): PolicyPackInfo => ({
      name: i.getName(),
      version: i.getVersion(),
      supportsConfig: i.getSupportsconfig(),
      policies: i.getPoliciesList().map((p) => ({
        name: p.getName(),
        description: p.getDescription(),
        enforcementLevel: LEVELS[p.getEnforcementlevel()] ?? "advisory",
        type:
          p.getPolicyType() === anproto.PolicyType.POLICY_TYPE_RESOURCE
            ? "resource"
            : p.getPolicyType() === anproto.PolicyType.POLICY_TYPE_STACK
              ? "stack"
              : "unknown",
      })),
    });
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
      const req = new anproto.ConfigureAnalyzerRequest();
      for (const [name, cfg] of reconcileConfig(info, config)) {
        req
          .getPolicyconfigMap()
          .set(
            name,
            new anproto.PolicyConfig()
              .setEnforcementlevel(LEVEL_CODES[cfg.level])
              .setProperties(jsToStruct(cfg.properties)),
          );
      }
      await rpc(c.configure, req, "Configure");
    };
    // LoadLocalPolicyPackAnalyzers: GetAnalyzerInfo, then Configure only if config is supported.
    await configure(opts.config ?? {});

    const urnOf = (r: AnalyzedResource): string =>
      r.urn ?? makeUrn(stack, project, r.parent ?? "", r.type, r.name);
    const optionsOf = (r: AnalyzedResource): anproto.AnalyzerResourceOptions => {
      // @pulumi/policy rejects a request without options ("a more recent CLI is required").
      const o = r.options ?? {};
      return new anproto.AnalyzerResourceOptions()
        .setProtect(o.protect ?? false)
        .setIgnorechangesList(o.ignoreChanges ?? [])
        .setDeletebeforereplace(o.deleteBeforeReplace ?? false)
        .setDeletebeforereplacedefined(o.deleteBeforeReplace !== undefined)
        .setAdditionalsecretoutputsList(o.additionalSecretOutputs ?? [])
        .setAliasesList(o.aliases ?? [])
        .setCustomtimeouts(new anproto.AnalyzerResourceOptions.CustomTimeouts())
        .setParent(o.parent ?? r.parent ?? "");
    };
    const providerOf = (r: AnalyzedResource): anproto.AnalyzerProviderResource | undefined =>
      r.provider
        ? new anproto.AnalyzerProviderResource()
            .setType(r.provider.type)
            .setName(r.provider.name)
            .setUrn(r.provider.urn)
            .setProperties(jsToStruct(withoutInternalKeys(r.provider.properties)))
        : undefined;
    const decode = (res: anproto.AnalyzeResponse, fallbackUrn: string): AnalysisResult => ({
      diagnostics: res.getDiagnosticsList().map((d) => ({
        policyName: d.getPolicyname(),
        policyPackName: d.getPolicypackname(),
        message: d.getMessage(),
        description: d.getDescription(),
        enforcementLevel: LEVELS[d.getEnforcementlevel()] ?? "advisory",
        urn: d.getUrn() || fallbackUrn,
      })),
      notApplicable: res
        .getNotApplicableList()
        .map((n) => ({ policyName: n.getPolicyName(), reason: n.getReason() })),
    });

    const analyzeDetailed = async (resources: AnalyzedResource[]): Promise<AnalysisResult> => {
      const out: AnalysisResult = { diagnostics: [], notApplicable: [] };
      for (const r of resources) {
        const urn = urnOf(r);
        const req = new anproto.AnalyzeRequest()
          .setType(r.type)
          .setName(r.name)
          .setUrn(urn)
          .setProperties(jsToStruct(withoutInternalKeys(r.properties)))
          .setOptions(optionsOf(r));
        const prov = providerOf(r);
        if (prov) {
          req.setProvider(prov);
        }
        const res = decode(await rpc(c.analyze, req, "Analyze"), urn);
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
          resources.map((r) => {
            const ar = new anproto.AnalyzerResource()
              .setType(r.type)
              .setName(r.name)
              .setUrn(urnOf(r))
              .setProperties(jsToStruct(withoutInternalKeys(r.properties)))
              .setOptions(optionsOf(r))
              .setParent(r.parent ?? "")
              .setDependenciesList(r.dependencies ?? []);
            for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
              ar.getPropertydependenciesMap().set(
                k,
                new anproto.AnalyzerPropertyDependencies().setUrnsList(urns),
              );
            }
            const prov = providerOf(r);
            if (prov) {
              ar.setProvider(prov);
            }
            return ar;
          }),
        );
        return decode(await rpc(c.analyzeStack, req, "AnalyzeStack"), "").diagnostics;
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
