/**
 * The policies of the pack on single resources and on audit logging, rotation and retention, one
 * entry per rule of the secrets-management guide or decision of DESIGN.md; `POLICIES` puts them
 * with the access rules (`./accessPolicies.ts`) and the value rules (`./valuePolicies.ts`) in the
 * order the PR comment lists them.
 */
import {
  BROAD_IAM,
  catalogVariableOf,
  deliveredSecretNames,
  durationSeconds,
  grantsOf,
  isUnknown,
  MAX_ROTATION_SECONDS,
  PAYLOAD_ROLES,
  REQUIRED_AUDIT_LOG_TYPES,
  routesToMobile,
  SECRET_VARIABLES,
  SECRETS,
  TYPES,
  VERSIONS,
} from "./inputs";
import { ACCESS_POLICIES } from "./accessPolicies";
import type { PolicyRule } from "./rules";
import { VALUE_POLICIES } from "./valuePolicies";

/** The rules on single resources and on the stack's audit logging, rotation and retention. */
const RESOURCE_POLICIES: PolicyRule[] = [
  {
    name: "no-project-level-secret-access",
    guide: "- Restrict secret accessor roles to deploy/runtime identities only.",
    description:
      "No grant of a role that reads secret payloads on a whole project, folder or organization: it would expose every secret in it (DESIGN.md D4). Grant per secret instead.",
    enforcementLevel: "mandatory",
    resource: (r) => {
      if (!BROAD_IAM.test(r.type)) return [];
      const level = r.type.split(":")[1].split("/")[0].replace(/s$/, "");
      return (grantsOf(r) ?? [])
        .filter((g) => typeof g.role === "string" && PAYLOAD_ROLES.includes(g.role))
        .map(
          (g) =>
            `${r.name} grants ${String(g.role)} at ${level} level, so its members could read every secret there. Grant roles/secretmanager.secretAccessor on each secret (ManagedSecret \`accessors\`) instead.`,
        );
    },
  },
  {
    name: "secret-access-audit-logging",
    guide: "- Enable audit logging for secret access and rotation events.",
    description:
      "Secret Manager Data Access audit logs are on (DATA_READ, which records AccessSecretVersion, plus DATA_WRITE and ADMIN_READ) with no exempted members (guide: enable audit logging for secret access; DESIGN.md D5).",
    enforcementLevel: "mandatory",
    resource: (r) => {
      if (r.type !== TYPES.auditConfig) return [];
      const service = r.inputs.service;
      if (service !== "secretmanager.googleapis.com" && service !== "allServices") return [];
      const configs = r.inputs.auditLogConfigs;
      if (isUnknown(configs)) return [];
      if (!Array.isArray(configs)) {
        return [
          `${r.name} has no \`auditLogConfigs\`: Data Access logs for ${String(service)} are off. Declare DATA_READ, DATA_WRITE and ADMIN_READ (SecretAuditLogging).`,
        ];
      }
      const out: string[] = [];
      const types = configs.map((c) => (c as { logType?: unknown })?.logType);
      const missing = REQUIRED_AUDIT_LOG_TYPES.filter((t) => !types.includes(t));
      if (missing.length > 0) {
        out.push(
          `${r.name} does not log ${missing.join(", ")} for ${String(service)}${missing.includes("DATA_READ") ? " (without DATA_READ, reading a secret value leaves no record)" : ""}. Add the missing log types (SecretAuditLogging).`,
        );
      }
      for (const c of configs as { logType?: unknown; exemptedMembers?: unknown }[]) {
        if (Array.isArray(c?.exemptedMembers) && c.exemptedMembers.length > 0) {
          out.push(
            `${r.name} exempts ${c.exemptedMembers.length} member(s) from ${String(c.logType)} logging; their secret reads would go unrecorded. Remove \`exemptedMembers\`.`,
          );
        }
      }
      return out;
    },
    stack: (rs, ctx) => {
      if (!ctx.managesAuditConfig) return [];
      if (!rs.some((r) => SECRETS.has(r.type))) return [];
      const covered = rs.some(
        (r) =>
          r.type === TYPES.auditConfig &&
          (r.inputs.service === "secretmanager.googleapis.com" ||
            r.inputs.service === "allServices"),
      );
      return covered
        ? []
        : [
            {
              message: `Stack "${ctx.stack}" declares secrets but no Data Access audit config for secretmanager.googleapis.com, so secret reads are not logged. Keep SecretAuditLogging in the stack, or set \`manageAuditConfig: false\` only if another stack of the same GCP project declares it.`,
            },
          ];
    },
  },
  {
    name: "generated-values-from-random-password",
    guide: "DESIGN.md D1 (values): generated secrets come from random.RandomPassword",
    description:
      "Generated values come only from random.RandomPassword, whose result is secret in state; RandomString, RandomId and the other random resources store their result in plain text (DESIGN.md D1).",
    enforcementLevel: "mandatory",
    resource: (r) =>
      r.type.startsWith("random:") && r.type !== TYPES.randomPassword
        ? [
            `${r.name} is a ${r.type.split(":").pop()}, whose result is stored in plain text in the state. Use random.RandomPassword (GeneratedSecret) for any generated value.`,
          ]
        : [],
  },
  {
    name: "secret-versions-never-deleted",
    guide: "DESIGN.md D3 (versions): disabled, not deleted, when replaced",
    description:
      "Replacing a secret version disables it instead of deleting it (`deletionPolicy: DISABLE`), and destroyed versions stay recoverable for a while (`versionDestroyTtl`) (DESIGN.md D3).",
    enforcementLevel: "mandatory",
    resource: (r) => {
      if (VERSIONS.has(r.type)) {
        const p = r.inputs.deletionPolicy;
        if (isUnknown(p) || p === "DISABLE") return [];
        return [
          p === undefined
            ? `${r.name} has no \`deletionPolicy\`, so the provider default (DELETE) destroys the old value on replacement. Set \`deletionPolicy: "DISABLE"\`.`
            : `${r.name} has \`deletionPolicy: "${String(p)}"\`; the old value must be disabled, not deleted or abandoned. Set \`deletionPolicy: "DISABLE"\`.`,
        ];
      }
      if (SECRETS.has(r.type)) {
        const ttl = r.inputs.versionDestroyTtl;
        if (isUnknown(ttl)) return [];
        if (ttl === undefined) {
          return [
            `${r.name} has no \`versionDestroyTtl\`, so a destroyed version is gone at once. Set a delayed destruction (\`versionDestroyTtlDays\` in stack config).`,
          ];
        }
        if (!(durationSeconds(ttl) > 0)) {
          return [
            `${r.name} has \`versionDestroyTtl\` "${String(ttl)}", which is not a positive duration such as "604800s".`,
          ];
        }
      }
      return [];
    },
  },
  {
    name: "production-secrets-protected",
    guide: "DESIGN.md D3 (versions): production secrets are protected from deletion",
    description:
      "In the production stack every secret has GCP deletion protection and the Pulumi `protect` option (DESIGN.md D3).",
    enforcementLevel: "mandatory",
    resource: (r, ctx) => {
      if (ctx.stack !== "production" || !SECRETS.has(r.type)) return [];
      const out: string[] = [];
      const dp = r.inputs.deletionProtection;
      if (!isUnknown(dp) && dp !== true) {
        out.push(
          `${r.name} is a production secret without \`deletionProtection: true\`${dp === undefined ? " (not set)" : ""}. Production secrets are protected from deletion: remove any \`deletionProtection: false\` from Pulumi.production.yaml.`,
        );
      }
      if (r.protect === false) {
        out.push(
          `${r.name} is a production secret without the \`protect\` resource option. ManagedSecret sets it from \`deletionProtection\`.`,
        );
      }
      return out;
    },
  },
  {
    name: "rotation-at-most-90-days",
    guide: "5. Rotate high-impact secrets at least every 90 days.",
    description:
      "Every secret has a rotation schedule of at most 90 days that notifies a Pub/Sub topic (guide baseline rule 5: rotate high-impact secrets at least every 90 days).",
    enforcementLevel: "mandatory",
    resource: (r) => {
      if (!SECRETS.has(r.type)) return [];
      const rotation = r.inputs.rotation as { rotationPeriod?: unknown } | undefined;
      if (isUnknown(rotation)) return [];
      if (!rotation || typeof rotation !== "object" || rotation.rotationPeriod === undefined) {
        return [
          `${r.name} has no rotation period. Set \`rotation.rotationPeriod\` to at most "${MAX_ROTATION_SECONDS}s" (the catalog's \`rotationDays\`, at most 90).`,
        ];
      }
      if (isUnknown(rotation.rotationPeriod)) return [];
      const seconds = durationSeconds(rotation.rotationPeriod);
      const out: string[] = [];
      if (!(seconds > 0)) {
        out.push(
          `${r.name} has rotation period "${String(rotation.rotationPeriod)}", which is not a duration such as "7776000s".`,
        );
      } else if (seconds > MAX_ROTATION_SECONDS) {
        out.push(
          `${r.name} rotates every ${Math.round(seconds / 86400)} days; the guide allows at most 90. Lower the catalog's \`rotationDays\`.`,
        );
      }
      const topics = r.inputs.topics;
      if (!isUnknown(topics) && (!Array.isArray(topics) || topics.length === 0)) {
        out.push(
          `${r.name} has a rotation period but no \`topics\`: nobody is told when rotation is due. Add the rotation topic.`,
        );
      }
      return out;
    },
  },
  {
    name: "nothing-secret-to-mobile",
    guide: "1. Never hardcode secrets in source files, tests, Dockerfiles, or mobile bundles.",
    description:
      "No catalog secret is delivered to `mobile`: mobile bundles are public (guide baseline rule 1, matrix column Mobile ❌).",
    enforcementLevel: "mandatory",
    resource: (r) => {
      if (SECRETS.has(r.type)) {
        const labels = (r.inputs.labels ?? {}) as Record<string, unknown>;
        const annotations = (r.inputs.annotations ?? {}) as Record<string, unknown>;
        const consumers = String(annotations["pegasus.dev/consumers"] ?? "").split(",");
        if (labels["consumer-mobile"] !== undefined || consumers.includes("mobile")) {
          return [
            `${r.name} is labelled for consumer mobile. Secrets never go to mobile: remove \`mobile\` from the catalog entry's consumers.`,
          ];
        }
        return [];
      }
      if (!routesToMobile(r)) return [];
      const names = deliveredSecretNames(r);
      return names.length === 0
        ? []
        : [
            `${r.name} delivers ${names.join(", ")} to mobile. Secrets never go to mobile: remove \`mobile\` from the catalog entry's consumers.`,
          ];
    },
    stack: (_rs, ctx) =>
      (ctx.deliveries ?? [])
        .filter(
          (d) =>
            d.consumer === "mobile" &&
            (d.kind === "secret" || SECRET_VARIABLES.has(catalogVariableOf(d.variable))),
        )
        .map((d) => ({
          message: `${d.variable} is delivered to mobile${d.target ? ` on ${d.target}` : ""}${d.destination ? ` (${d.destination})` : ""}. Secrets never go to mobile.`,
        })),
  },
];

/** Every policy of the pack, in the order the PR comment lists them. */
export const POLICIES: PolicyRule[] = [
  ...ACCESS_POLICIES.slice(0, 3),
  RESOURCE_POLICIES[0], // no-project-level-secret-access
  ACCESS_POLICIES[3], // no-human-or-public-members
  ...RESOURCE_POLICIES.slice(1),
  ...VALUE_POLICIES,
];
