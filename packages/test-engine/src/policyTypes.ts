/**
 * What a test sees of a policy pack run through the SDK's policy entry point: start options,
 * policy config in the CLI's format, the resources it analyzes, the diagnostics it gets back, and
 * the running host's handle.
 */
import * as grpc from "@grpc/grpc-js";

/** Enforcement levels as policy packs spell them. */
export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

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
