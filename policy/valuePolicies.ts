/**
 * What values may be and where identities may come from: plain values that are not credentials,
 * secret values that come from a secret source, runtime identities of the stack's own project that
 * are not the deploying account, and customer-managed encryption where the stack requires it. Each
 * message names the resource, the variable or the key, never a value.
 */
import { credentialShape, isLoopbackUrl } from "../model/credentialShape";
import { containsUnknown, isUnknown, SECRETS, TYPES } from "./inputs";
import { CATALOG_FILE, guideRow, matrixRow } from "./matrix";
import type { PolicyRule, RuleContext, StackFinding } from "./rules";
import { isDelivery } from "./subjects";

/**
 * Account IDs of the accounts that deploy and preview stacks: CI's `GCP_DEPLOY_SERVICE_ACCOUNT`
 * and `GCP_PREVIEW_SERVICE_ACCOUNT` are named so (docs/review.md, "Setting up CI"), which lets the
 * offline check, with no credentials, know them.
 */
export const DEPLOYER_ACCOUNT_ID =
  /(^|-)(deploy|deployer|deployment|pulumi|terraform|preview)(-|$)/;

const FIX_PLAIN =
  "If it is a secret, make it a secret in the catalog (and in the matrix, through a reviewed rule change) and rotate it; a plain value is published in .env.example, the docs and platform settings.";

/** Plain values a stack sets, delivers or documents, each with where it is. */
function plainValues(
  rs: { name: string; inputs: Record<string, unknown>; type: string }[],
  ctx: RuleContext,
) {
  const out: {
    where: string;
    variable: string;
    value: string;
    resource?: (typeof rs)[number];
    local?: boolean;
  }[] = [];
  for (const [variable, value] of Object.entries(ctx.facts.plain)) {
    out.push({ where: "the stack's `plain` config", variable, value });
  }
  for (const r of rs) {
    if (!isDelivery(r)) continue;
    const vars = r.inputs.vars;
    if (!vars || typeof vars !== "object" || Array.isArray(vars)) continue;
    for (const [variable, value] of Object.entries(vars)) {
      if (typeof value === "string" && !isUnknown(value)) {
        out.push({ where: `the plain variables of ${r.name}`, variable, value, resource: r });
      }
    }
  }
  const off = ctx.offline;
  if (off && Array.isArray(off.catalog)) {
    for (const e of off.catalog) {
      if (e.kind !== "plain") continue;
      if (e.default !== undefined)
        out.push({ where: `its default in ${CATALOG_FILE}`, variable: e.name, value: e.default });
      if (e.localValue !== undefined)
        out.push({
          where: `its local value in ${CATALOG_FILE}`,
          variable: e.name,
          value: e.localValue,
        });
    }
  }
  for (const l of off?.localEnv ?? []) {
    out.push({ where: `${l.file}:${l.line}`, variable: l.variable, value: l.value, local: true });
  }
  return out;
}

export const VALUE_POLICIES: PolicyRule[] = [
  {
    name: "plain-values-not-credentials",
    guide: "1. Never hardcode secrets in source files, tests, Dockerfiles, or mobile bundles.",
    description:
      "A plain (non-secret) variable's value never looks like a credential (a known token shape, or a long random-looking string), wherever it is set, delivered or documented; a secret listed for local development has no value (guide, baseline rules 1 and 2).",
    enforcementLevel: "mandatory",
    stack: (rs, ctx) => {
      const out: StackFinding[] = [];
      for (const v of plainValues(rs, ctx)) {
        const row = matrixRow(v.variable);
        if (row?.kind === "secret") {
          // ownership-matrix reports a secret a platform receives as a plain variable.
          if (v.resource) continue;
          // Locally, a secret is blank or the URL of a service on the developer's machine.
          if (v.local && (v.value === "" || isLoopbackUrl(v.value))) continue;
          out.push({
            message: `${v.variable} is a secret (${guideRow(row)}) but has a value in ${v.where}. Remove the value; secrets come from their store, never from plain config or committed files (guide, baseline rules 1 and 2).`,
          });
          continue;
        }
        const what = credentialShape(v.value);
        if (what) {
          out.push({
            resource: v.resource,
            message: `The plain variable ${v.variable} has a value in ${v.where} that looks like ${what}. ${FIX_PLAIN}`,
          });
        }
      }
      return out;
    },
  },
  {
    name: "secret-values-from-secret-sources",
    guide: "1. Never hardcode secrets in source files, tests, Dockerfiles, or mobile bundles.",
    description:
      "Every value stored in Secret Manager or delivered as a platform secret comes from a random resource, encrypted config or a credential derived from them, never from a literal in the program or plain config; and no secret value reaches a plain input or output. Judged on the offline plan, which runs the program and traces each value (the pack cannot: @pulumi/policy unwraps secrets) (DESIGN.md D1; guide, baseline rule 1).",
    enforcementLevel: "mandatory",
    stack: (_rs, ctx) => {
      const off = ctx.offline;
      if (!off) return [];
      const out: StackFinding[] = off.provenance
        .filter((p) => !p.fromSecretSource)
        .map((p) => ({
          resource: { type: p.type, name: p.resource, inputs: {} },
          message: `${p.resource} (${p.type.split(":").pop()}) receives \`${p.field}\` that comes from no random resource, encrypted config or credential derived from them: a value written in the program or in plain stack config. Generate it (RandomPassword) or set it with \`pulumi config set --secret\`, and rotate it: it is in git.`,
        }));
      for (const l of off.leaks) {
        out.push({
          resource: { type: l.type, name: l.resource, inputs: {} },
          message: `A secret value reaches \`${l.field}\` of ${l.resource}, which is not secret: it would be stored and shown in plain text. Wrap it in pulumi.secret, or pass the secret's name instead of its value.`,
        });
      }
      return out;
    },
  },
  {
    name: "runtime-identities-own-project",
    guide: "- Restrict secret accessor roles to deploy/runtime identities only.",
    description:
      "Every runtime identity, created or referenced by email, is a service account of the stack's own GCP project and not an account that deploys or previews stacks; a staging identity is never a production account (DESIGN.md D4; guide: restrict secret accessor roles to deploy/runtime identities only).",
    enforcementLevel: "mandatory",
    stack: (rs, ctx) => {
      const f = ctx.facts;
      const out: StackFinding[] = f.unreadable.map((k) => ({
        message: `Config key ${k} is not valid JSON, so the stack's identities, targets or grants cannot be confirmed. Fix it in Pulumi.${ctx.stack}.yaml.`,
      }));
      if (!f.gcpProject) {
        out.push({
          message: `Stack "${ctx.stack}" names no GCP project (gcp:project), so no runtime identity can be confirmed to belong to it. Set gcp:project in Pulumi.${ctx.stack}.yaml.`,
        });
        return out;
      }
      const suffix = `@${f.gcpProject}.iam.gserviceaccount.com`;
      const deployers = new Set(ctx.deployers);
      for (const id of f.identities) {
        const local = id.email.split("@")[0];
        if (!id.email.endsWith(suffix)) {
          out.push({
            message: `The ${id.consumer} identity of stack "${ctx.stack}" is ${id.email}, which is not a service account of ${f.gcpProject}, the stack's own project: another project's account (another stack's, say) would read these secrets. Use an account of ${f.gcpProject} (identities.${id.consumer}).`,
          });
        } else if (deployers.has(id.email) || DEPLOYER_ACCOUNT_ID.test(local)) {
          out.push({
            message: `The ${id.consumer} identity of stack "${ctx.stack}" is ${id.email}, an account that deploys or previews stacks: the runtime would hold the deployer's rights, and the deployer would read runtime secrets. Give ${id.consumer} its own runtime account (identities.${id.consumer}).`,
          });
        }
      }
      for (const r of rs) {
        if (r.type !== TYPES.account) continue;
        const { project, accountId } = r.inputs;
        if (typeof project === "string" && !isUnknown(project) && project !== f.gcpProject) {
          out.push({
            resource: r,
            message: `${r.name} creates a service account in ${project}, not in ${f.gcpProject}, the stack's own project.`,
          });
        }
        if (typeof accountId === "string" && DEPLOYER_ACCOUNT_ID.test(accountId)) {
          out.push({
            resource: r,
            message: `${r.name} creates ${accountId}, named like an account that deploys or previews stacks; runtime identities are named for their consumer (\`<prefix>-<consumer>\`).`,
          });
        }
      }
      return out;
    },
  },
  {
    name: "secrets-encrypted-when-required",
    guide: "DESIGN.md (stack config `kms.required`): customer-managed encryption on every replica",
    description:
      "When a stack's `kms.required` is true, every one of its secrets uses a customer-managed key on every replica (Cloud KMS), never Google-managed encryption.",
    enforcementLevel: "mandatory",
    resource: (r, ctx) => {
      if (!ctx.facts.kms.required || !SECRETS.has(r.type)) return [];
      const rep = r.inputs.replication as Record<string, unknown> | undefined;
      if (containsUnknown(rep)) return [];
      const key = (x: unknown) =>
        (x as { customerManagedEncryption?: { kmsKeyName?: unknown } } | undefined)
          ?.customerManagedEncryption?.kmsKeyName;
      const auto = rep?.auto as Record<string, unknown> | undefined;
      const replicas = ((rep?.userManaged as { replicas?: unknown[] } | undefined)?.replicas ??
        []) as { location?: unknown }[];
      const missing = auto
        ? key(auto)
          ? []
          : ["global"]
        : replicas.length === 0
          ? ["(no replica)"]
          : replicas.filter((x) => !key(x)).map((x) => String(x.location));
      return missing.length === 0
        ? []
        : [
            `${r.name} has no customer-managed encryption key for ${missing.join(", ")}, but stack "${ctx.stack}" requires one on every replica (kms.required). Set kms.keys for each replica location in Pulumi.${ctx.stack}.yaml.`,
          ];
    },
  },
];
