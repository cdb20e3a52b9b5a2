/**
 * The pegasus-secrets policy pack: `pulumi preview --policy-pack policy` (and `pulumi up`).
 *
 * Every rule lives in `./rules.ts`, shared with the offline `pegasus-secrets policy-check`; this file
 * only adapts the engine's view of a resource to the rules' `{type, name, inputs}` shape. Loading
 * this file starts the analyzer server (that is what `new PolicyPack` does), so tests import
 * `./rules`, and run this file only through the real policy host.
 */
import {
  PolicyPack,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import * as fs from "fs";
import { deployerFromEnvironment } from "./context";
import {
  contextFromConfig,
  POLICIES,
  RuleContext,
  RuleResource,
  stackOfUrn,
  UNKNOWN,
  withGuide,
} from "./rules";

/** `@pulumi/policy` hands properties behind a proxy that throws on unknowns; this key returns the target. */
const PROXY_TARGET = "__getSpecialProxyTarget";

/**
 * The unknown sentinels the pack's properties may hold; the rules understand one, `UNKNOWN` (the
 * SDK's `unknownValue`, which is also @pulumi/policy's unknown string). @pulumi/policy's proxy has
 * a typed sentinel per kind of value besides, marked internal and absent from its typings, so those
 * are spelled out here (node_modules/@pulumi/policy/proxy.js).
 */
const UNKNOWN_SENTINELS = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  UNKNOWN, // string
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** Plain JSON data from the pack's property proxy, unknowns normalised to `UNKNOWN`. */
function plain(v: unknown): unknown {
  if (typeof v === "string") return UNKNOWN_SENTINELS.has(v) ? UNKNOWN : v;
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object") {
    const target = (v as Record<string, unknown>)[PROXY_TARGET];
    const raw = (target && typeof target === "object" ? target : v) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(raw).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

const toRule = (r: ResourceValidationArgs | PolicyResource): RuleResource => ({
  type: r.type,
  name: r.name,
  urn: r.urn,
  inputs: plain(r.props) as Record<string, unknown>,
  protect: r.opts?.protect,
});

/** The accounts the deploy runs as, from its own credentials: no runtime identity may be one. */
const DEPLOYERS = deployerFromEnvironment(process.env, (f) => fs.readFileSync(f, "utf8"));

/** The stack's name (from the URN, which always carries it) and what its config says. */
function context(urn: string | undefined): RuleContext {
  const stack = (urn && stackOfUrn(urn)) || process.env.PULUMI_NODEJS_STACK || "";
  let config: Record<string, string> = {};
  try {
    // The language host passes the stack's config to the pack like to a program.
    config = JSON.parse(process.env.PULUMI_CONFIG ?? "{}") as Record<string, string>;
  } catch {
    config = {};
  }
  return contextFromConfig(stack, config, DEPLOYERS);
}

const policies = POLICIES.map((rule) => {
  const policy: Partial<ResourceValidationPolicy & StackValidationPolicy> = {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.enforcementLevel,
  };
  if (rule.resource) {
    const check = rule.resource;
    policy.validateResource = (args: ResourceValidationArgs, report: ReportViolation) => {
      for (const message of check(toRule(args), context(args.urn)))
        report(withGuide({ message, guide: rule.guide }));
    };
  }
  if (rule.stack) {
    const check = rule.stack;
    policy.validateStack = (args: StackValidationArgs, report: ReportViolation) => {
      const resources = args.resources.map(toRule);
      const ctx = context(resources.find((r) => r.urn)?.urn);
      for (const f of check(resources, ctx))
        report(withGuide({ message: f.message, guide: rule.guide }), f.resource?.urn);
    };
  }
  return policy as ResourceValidationPolicy | StackValidationPolicy;
});

new PolicyPack("pegasus-secrets", {
  description:
    "The secrets-management guide and DESIGN.md as policy: the ownership matrix, who may read secrets and how, audit logging, rotation, version retention, protection, values and identities.",
  enforcementLevel: "mandatory",
  policies,
});
