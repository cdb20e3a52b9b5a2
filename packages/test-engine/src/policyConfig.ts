/**
 * Policy config as the CLI reconciles it (`ReconcilePolicyPackConfig`): the pack's defaults, its
 * initial config, then the config a test gives, sent in one `Configure` request.
 */
import * as anproto from "@pulumi/pulumi/proto/analyzer_pb";
import { LEVELS, LEVEL_CODES } from "./policyMessages";
import type { EnforcementLevel, PolicyPackConfig } from "./policyTypes";
import { jsToStruct, structToJs } from "./wire";

/** Reconciles policy config like `ReconcilePolicyPackConfig`: defaults, initial, then given. */
export function reconcileConfig(
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

/** The `Configure` request for `config` reconciled over what the pack declares in `info`. */
export function configureRequest(
  info: anproto.AnalyzerInfo,
  config: PolicyPackConfig,
): anproto.ConfigureAnalyzerRequest {
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
  return req;
}
