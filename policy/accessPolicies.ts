/**
 * Who may read which secret: the IAM rules and the ownership matrix (`./matrix.ts`), one entry per
 * rule. Resources are read with `./subjects.ts`: a secret's variable from its ID, a member's
 * consumer and a delivery's consumer from the stack's config, never from labels the program writes.
 * A value not known yet (a preview) is not judged; `pulumi up` judges it before the change.
 */
import { ANY_IAM, containsUnknown, grantsOf, HUMAN_OR_PUBLIC, isUnknown, SECRETS } from "./inputs";
import { allowedText, cellOf, guideRow, matrixRow, MatrixRow } from "./matrix";
import { CATALOG_FILE, MATRIX_FILE } from "./matrix";
import type { PolicyRule, RuleContext, RuleResource, StackFinding } from "./rules";
import {
  ACCESSOR_ROLE,
  deliveredNames,
  deliveryConsumer,
  emergencyProblem,
  iamSecretId,
  identityOf,
  isConditional,
  isDelivery,
  SECRET_BINDING,
  SECRET_IAM,
  secretSubject,
} from "./subjects";

/** A conditional binding that passes every break-glass check. */
const validEmergency = (r: RuleResource, ctx: RuleContext): boolean =>
  SECRET_IAM.test(r.type) && isConditional(r) && !emergencyProblem(r, ctx.facts);

const identitiesText = (ctx: RuleContext) =>
  ctx.facts.identities.map((i) => `${i.consumer} ${i.email}`).join(", ") || "none";

/** "policy/matrix.ts forbids JWT_SECRET for worker (guide: ...; allowed: api)." */
export const forbidsText = (row: MatrixRow, consumer: string): string =>
  `${MATRIX_FILE} (the guide's ownership matrix) forbids ${row.variable} for ${consumer} (${guideRow(row)}; allowed: ${allowedText(row)})`;

const FIX_CATALOG = (row: MatrixRow, consumer: string) =>
  `Remove ${consumer} from ${row.variable}'s consumers in ${CATALOG_FILE}; the matrix changes only through a reviewed change to the rules (${MATRIX_FILE}).`;

const notInMatrix = (what: string) =>
  `${what}, which is no variable of ${MATRIX_FILE} (the guide's ownership matrix). Add a row to the matrix first, quoting the guide (a change to the rules, reviewed by an owner), or remove it from ${CATALOG_FILE}.`;

/** Findings of the matrix on one IAM resource's grants. */
function grantFindings(r: RuleResource, ctx: RuleContext): StackFinding[] {
  if (validEmergency(r, ctx)) return [];
  const id = iamSecretId(r);
  if (containsUnknown(id)) return [];
  const subject = secretSubject(id, ctx.facts);
  if (!subject) {
    return [
      { resource: r, message: notInMatrix(`${r.name} grants access to secret ${String(id)}`) },
    ];
  }
  const out: StackFinding[] = [];
  for (const g of grantsOf(r) ?? []) {
    for (const m of g.members) {
      const who = identityOf(m, ctx.facts);
      if (!who) continue; // accessor-members-are-runtime-identities reports it
      if (cellOf(subject.row, who.consumer) === "forbidden") {
        out.push({
          resource: r,
          message: `${r.name} lets ${who.consumer} (${String(m)}) read ${subject.row.variable}, but ${forbidsText(subject.row, who.consumer)}. ${FIX_CATALOG(subject.row, who.consumer)}`,
        });
      } else if (subject.scope !== undefined && subject.scope !== who.consumer) {
        out.push({
          resource: r,
          message: `${r.name} lets ${who.consumer} (${String(m)}) read the ${subject.scope}'s own value of ${subject.row.variable} (${subject.secretId}); each consumer reads only its own value (guide: "${subject.row.guide[subject.row.guide.length - 1]}"). Grant ${who.consumer} its own secret instead.`,
        });
      }
    }
  }
  return out;
}

/** Findings of the matrix on one platform delivery. */
function deliveryFindings(r: RuleResource, ctx: RuleContext): StackFinding[] {
  if (containsUnknown([r.inputs.serviceIds, r.inputs.app, r.inputs.serviceId])) return [];
  const names = deliveredNames(r);
  if (names.secrets.length + names.plain.length === 0) return [];
  const to = deliveryConsumer(r, ctx.facts);
  if ("problem" in to) {
    return [{ resource: r, message: `${r.name} delivers variables, but ${to.problem}.` }];
  }
  const out: StackFinding[] = [];
  const check = (name: string, asSecret: boolean) => {
    const row = matrixRow(name);
    if (!row) {
      out.push({
        resource: r,
        message: notInMatrix(`${r.name} delivers ${name} to ${to.consumer}`),
      });
      return;
    }
    if (cellOf(row, to.consumer) === "forbidden") {
      out.push({
        resource: r,
        message: `${r.name} delivers ${name} to ${to.consumer}, but ${forbidsText(row, to.consumer)}. ${FIX_CATALOG(row, to.consumer)}`,
      });
    }
    if (!asSecret && row.kind === "secret") {
      out.push({
        resource: r,
        message: `${r.name} delivers the secret ${name} as a plain variable (\`vars\`), readable in the platform's settings and in state. Deliver it as a secret (\`secrets\`), a projection of its Secret Manager value (guide, baseline rule 3: inject secrets from platform secret stores).`,
      });
    }
  };
  for (const n of names.secrets) check(n, true);
  for (const n of names.plain) check(n, false);
  return out;
}

/** Findings of the matrix on the catalog and the local env, which only the offline gate reads. */
function offlineFindings(ctx: RuleContext): StackFinding[] {
  const off = ctx.offline;
  if (!off) return [];
  const out: StackFinding[] = [];
  if (!Array.isArray(off.catalog)) {
    return [
      {
        message: `The catalog of this revision could not be read (${off.catalog.problem}), so it cannot be checked against ${MATRIX_FILE}. Fix the catalog so it loads.`,
      },
    ];
  }
  for (const e of off.catalog) {
    const row = matrixRow(e.name);
    if (!row || row.variable !== e.name) {
      out.push({ message: notInMatrix(`${CATALOG_FILE} declares ${e.name}`) });
      continue;
    }
    if (e.kind !== row.kind) {
      out.push({
        message: `${CATALOG_FILE} declares ${e.name} ${e.kind}, but ${MATRIX_FILE} marks it ${row.kind} (${guideRow(row)}). Make it ${row.kind} in the catalog.`,
      });
    }
    for (const c of e.consumers) {
      const cell = cellOf(row, c);
      if (cell === "forbidden") {
        out.push({
          message: `${CATALOG_FILE} grants ${e.name} to ${c}, but ${forbidsText(row, c)}. ${FIX_CATALOG(row, c)}`,
        });
      } else if (cell === "tests-only" && e.usage?.[c] !== "tests-only") {
        out.push({
          message: `${CATALOG_FILE} grants ${e.name} to ${c} without restricting it to tests, but ${MATRIX_FILE} allows ${c} only in tests (${guideRow(row)}). Set \`usage: { ${c}: "tests-only" }\` on ${e.name}.`,
        });
      }
    }
  }
  for (const l of off.localEnv) {
    const row = matrixRow(l.variable);
    if (!row) {
      out.push({
        message: notInMatrix(`${l.file}:${l.line} lists ${l.variable} for local development`),
      });
      continue;
    }
    if (cellOf(row, "api") === "forbidden" && cellOf(row, "worker") === "forbidden") {
      out.push({
        message: `${l.file}:${l.line} gives ${l.variable} to local development, which runs the API and the worker, but ${MATRIX_FILE} gives it to neither (${guideRow(row)}). Regenerate ${l.file} from a catalog that follows the matrix.`,
      });
    }
  }
  return out;
}

/** The access rules, in the order the PR comment lists them. */
export const ACCESS_POLICIES: PolicyRule[] = [
  {
    name: "accessor-members-are-runtime-identities",
    guide: "- Restrict secret accessor roles to deploy/runtime identities only.",
    description:
      "Every member of every IAM grant on a secret, whatever its role, is a runtime identity of the stack (created or referenced in its `identities` config), except a valid break-glass grant (DESIGN.md D4; guide: restrict secret accessor roles to deploy/runtime identities only).",
    enforcementLevel: "mandatory",
    stack: (rs, ctx) => {
      const findings: StackFinding[] = [];
      for (const r of rs) {
        if (!SECRET_IAM.test(r.type) || validEmergency(r, ctx)) continue;
        for (const g of grantsOf(r) ?? []) {
          for (const m of g.members) {
            if (isUnknown(m) || typeof m !== "string" || HUMAN_OR_PUBLIC.test(m)) continue;
            if (!identityOf(m, ctx.facts)) {
              findings.push({
                resource: r,
                message: `${r.name} grants ${String(g.role)} to ${m}, which is not a runtime identity of stack "${ctx.stack}" (its identities: ${identitiesText(ctx)}). Grant secrets only through the catalog's consumers.`,
              });
            }
          }
        }
      }
      return findings;
    },
  },
  {
    name: "one-accessor-binding-per-secret",
    guide: "- Restrict secret accessor roles to deploy/runtime identities only.",
    description:
      "A secret has one IAM resource: the stack's authoritative binding of roles/secretmanager.secretAccessor (ManagedSecret). No member or policy resources, no other role, no second binding; a conditional binding only as a valid break-glass grant: one person, one secret, titled `break-glass <incident>`, recorded in `emergencyAccess`, ending at most 24 h after its recorded time (DESIGN.md D4).",
    enforcementLevel: "mandatory",
    stack: (rs, ctx) => {
      const findings: StackFinding[] = [];
      const bySecret = new Map<string, RuleResource[]>();
      for (const r of rs) {
        if (!SECRET_IAM.test(r.type)) continue;
        const id = iamSecretId(r);
        if (!SECRET_BINDING.test(r.type)) {
          const kind = r.type.split(":").pop();
          findings.push({
            resource: r,
            message: `${r.name} is a ${kind} on secret ${String(id)}: ${kind?.endsWith("Policy") ? "it replaces the secret's whole IAM policy" : "it adds access that the secret's binding does not show"}. A secret's only IAM resource is the stack's authoritative accessor binding: grant through the catalog's consumers.`,
          });
          continue;
        }
        if (isConditional(r)) {
          const problem = emergencyProblem(r, ctx.facts);
          if (problem) {
            findings.push({
              resource: r,
              message: `${r.name} is a conditional binding on secret ${String(id)} that is not a valid break-glass grant: ${problem}. Use npx pegasus-secrets grant-access, which writes a valid one.`,
            });
          }
          continue;
        }
        if (!isUnknown(r.inputs.role) && r.inputs.role !== ACCESSOR_ROLE) {
          findings.push({
            resource: r,
            message: `${r.name} grants ${String(r.inputs.role)} on secret ${String(id)}; the only role on a secret is ${ACCESSOR_ROLE}, to the runtime identities of its consumers (any wider role can read, change or delete the secret and its IAM).`,
          });
        }
        if (typeof id === "string" && !containsUnknown(id)) {
          bySecret.set(id, [...(bySecret.get(id) ?? []), r]);
        }
      }
      for (const [id, bindings] of bySecret) {
        for (const extra of bindings.slice(1)) {
          findings.push({
            resource: extra,
            message: `${extra.name} is a second binding on secret ${id} (besides ${bindings[0].name}); the stack declares exactly one authoritative accessor binding per secret. Remove it.`,
          });
        }
      }
      return findings;
    },
  },
  {
    name: "ownership-matrix",
    guide: "## Environment variable ownership matrix",
    description: `Every secret, access grant, platform delivery, catalog entry and local-env entry follows the guide's ownership matrix as ${MATRIX_FILE} holds it: only the consumers it allows, secrets never delivered as plain values, tests-only cells restricted to tests, mobile only what it marks public, and no variable it does not list (guide, "Environment variable ownership matrix"; DESIGN.md D9).`,
    enforcementLevel: "mandatory",
    stack: (rs, ctx) => {
      const out: StackFinding[] = [];
      for (const r of rs) {
        if (SECRETS.has(r.type)) {
          if (containsUnknown(r.inputs.secretId)) continue;
          const s = secretSubject(r.inputs.secretId, ctx.facts);
          if (!s) {
            out.push({
              resource: r,
              message: notInMatrix(`secret ${String(r.inputs.secretId)} (${r.name}) holds a value`),
            });
          } else if (s.row.kind !== "secret") {
            out.push({
              resource: r,
              message: `${r.name} stores ${s.row.variable} in Secret Manager, but ${MATRIX_FILE} marks it plain (${guideRow(s.row)}). Make it plain config in ${CATALOG_FILE}.`,
            });
          } else if (s.scope !== undefined && cellOf(s.row, s.scope) === "forbidden") {
            out.push({
              resource: r,
              message: `${r.name} holds the ${s.scope}'s value of ${s.row.variable}, but ${forbidsText(s.row, s.scope)}. ${FIX_CATALOG(s.row, s.scope)}`,
            });
          }
        } else if (SECRET_IAM.test(r.type)) {
          out.push(...grantFindings(r, ctx));
        } else if (isDelivery(r)) {
          out.push(...deliveryFindings(r, ctx));
        }
      }
      out.push(...offlineFindings(ctx));
      return out;
    },
  },
  {
    name: "no-human-or-public-members",
    guide: "- Restrict secret accessor roles to deploy/runtime identities only.",
    description:
      "No `user:`, `group:`, `domain:`, `allUsers` or `allAuthenticatedUsers` member in any IAM grant this stack declares: people and the public never hold secret access (DESIGN.md D4). The one exception is a valid break-glass grant (one `user:`, one secret, time-boxed to 24 h, recorded in `emergencyAccess`).",
    enforcementLevel: "mandatory",
    resource: (r, ctx) => {
      if (!ANY_IAM.test(r.type)) return [];
      const out: string[] = [];
      const emergency = SECRET_IAM.test(r.type) && isConditional(r);
      const problem = emergency ? emergencyProblem(r, ctx.facts) : undefined;
      if (emergency && !problem) return [];
      for (const g of grantsOf(r) ?? []) {
        for (const m of g.members) {
          if (typeof m === "string" && HUMAN_OR_PUBLIC.test(m)) {
            out.push(
              problem
                ? `${r.name} grants ${String(g.role ?? "a role")} to ${m} under a condition that is not a valid break-glass grant (${problem}). People read a secret only through npx pegasus-secrets grant-access.`
                : `${r.name} grants ${String(g.role ?? "a role")} to ${m}. Only service accounts (runtime identities) may be members; people use break-glass access (npx pegasus-secrets grant-access), which is time-boxed.`,
            );
          }
        }
      }
      return out;
    },
  },
];
