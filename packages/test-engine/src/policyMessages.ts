/**
 * Analyzer messages, engine side: enforcement levels on the wire, the resources a test gives
 * turned into `Analyze` / `AnalyzeStack` requests as the engine builds them, and the pack's
 * answers decoded into diagnostics.
 */
import * as anproto from "@pulumi/pulumi/proto/analyzer_pb";
import type {
  AnalysisResult,
  AnalyzedResource,
  EnforcementLevel,
  PolicyPackInfo,
} from "./policyTypes";
import { jsToStruct } from "./wire";

/** Enforcement levels by their `pulumirpc.EnforcementLevel` code. */
export const LEVELS: Record<number, EnforcementLevel> = {
  [anproto.EnforcementLevel.ADVISORY]: "advisory",
  [anproto.EnforcementLevel.MANDATORY]: "mandatory",
  [anproto.EnforcementLevel.REMEDIATE]: "remediate",
  [anproto.EnforcementLevel.DISABLED]: "disabled",
};

/** The `pulumirpc.EnforcementLevel` code of each level. */
export const LEVEL_CODES: Record<EnforcementLevel, anproto.EnforcementLevel> = {
  advisory: anproto.EnforcementLevel.ADVISORY,
  mandatory: anproto.EnforcementLevel.MANDATORY,
  remediate: anproto.EnforcementLevel.REMEDIATE,
  disabled: anproto.EnforcementLevel.DISABLED,
};

/** `SkipInternalKeys`: the engine never shows a pack top-level keys starting with "__". */
function withoutInternalKeys(props: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(props).filter(([k]) => !k.startsWith("__")));
}

/** GetAnalyzerInfo, decoded. */
export function decodeInfo(i: anproto.AnalyzerInfo): PolicyPackInfo {
  return {
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
  };
}

/**
 * A resource's options. @pulumi/policy rejects a request without options ("a more recent CLI is
 * required"), so they are always sent.
 */
export function resourceOptions(r: AnalyzedResource): anproto.AnalyzerResourceOptions {
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
}

/** The resource's provider, when the test gives one. */
export function providerResource(
  r: AnalyzedResource,
): anproto.AnalyzerProviderResource | undefined {
  return r.provider
    ? new anproto.AnalyzerProviderResource()
        .setType(r.provider.type)
        .setName(r.provider.name)
        .setUrn(r.provider.urn)
        .setProperties(jsToStruct(withoutInternalKeys(r.provider.properties)))
    : undefined;
}

/** One `Analyze` request: the resource's inputs, options and provider, under `urn`. */
export function analyzeRequest(r: AnalyzedResource, urn: string): anproto.AnalyzeRequest {
  const req = new anproto.AnalyzeRequest()
    .setType(r.type)
    .setName(r.name)
    .setUrn(urn)
    .setProperties(jsToStruct(withoutInternalKeys(r.properties)))
    .setOptions(resourceOptions(r));
  const prov = providerResource(r);
  if (prov) {
    req.setProvider(prov);
  }
  return req;
}

/** One resource of an `AnalyzeStack` request: outputs, options, parent and dependencies. */
export function analyzerResource(r: AnalyzedResource, urn: string): anproto.AnalyzerResource {
  const ar = new anproto.AnalyzerResource()
    .setType(r.type)
    .setName(r.name)
    .setUrn(urn)
    .setProperties(jsToStruct(withoutInternalKeys(r.properties)))
    .setOptions(resourceOptions(r))
    .setParent(r.parent ?? "")
    .setDependenciesList(r.dependencies ?? []);
  for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
    ar.getPropertydependenciesMap().set(
      k,
      new anproto.AnalyzerPropertyDependencies().setUrnsList(urns),
    );
  }
  const prov = providerResource(r);
  if (prov) {
    ar.setProvider(prov);
  }
  return ar;
}

/** An `Analyze` / `AnalyzeStack` answer; diagnostics without a URN get `fallbackUrn`. */
export function decodeAnalysis(res: anproto.AnalyzeResponse, fallbackUrn: string): AnalysisResult {
  return {
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
  };
}
