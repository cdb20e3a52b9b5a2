/**
 * What a reviewer compares, read off a recorded plan with the policy's own readers: every IAM
 * grant on a secret whatever its role (and secret roles granted on a whole project), every
 * platform delivery, every secret, and the rotation keepers. Names, members and IDs only.
 */
import { BROAD_IAM, grantsOf, SECRETS } from "../../policy/inputs";
import { stackFacts, StackFacts } from "../../policy/rules";
import {
  deliveredNames,
  deliveryConsumer,
  iamSecretId,
  identityOf,
  isDelivery,
  SECRET_IAM,
  secretSubject,
} from "../../policy/subjects";
import type { RecordedPlan } from "./record";

/** One member holding one role on one secret (or on a whole project), as declared. */
export interface IamEntry {
  /** The secret's ID, or `(project <id>)` for a project-, folder- or organization-level grant. */
  secretId: string;
  /** The matrix variable the secret holds, when its ID says. */
  variable: string | null;
  /** The consumer whose runtime identity the member is, when it is one. */
  consumer: string | null;
  member: string;
  role: string;
  /** An IAM condition's title (a break-glass grant), or null. */
  condition: { title: string; expression: string } | null;
  /** The resource that declares it. */
  resource: string;
}

/** One variable delivered to one consumer's destination on a platform. */
export interface DeliveryEntry {
  variable: string;
  consumer: string;
  target: string;
  destination: string;
  kind: "secret" | "plain";
}

/** One secret the stack stores. */
export interface SecretView {
  secretId: string;
  variable: string | null;
  scope: string;
}

export const factsOf = (p: RecordedPlan): StackFacts => stackFacts(p.stack, p.config);

const text = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

/** Every grant on a secret of the plan, whatever the role, and every secret role on a project. */
export function iamEntries(p: RecordedPlan): IamEntry[] {
  const facts = factsOf(p);
  const out: IamEntry[] = [];
  for (const r of p.resources) {
    const onSecret = SECRET_IAM.test(r.type);
    const broad = BROAD_IAM.test(r.type);
    if (!onSecret && !broad) continue;
    const c = r.inputs.condition as { title?: unknown; expression?: unknown } | undefined;
    const condition =
      c && typeof c === "object" ? { title: text(c.title), expression: text(c.expression) } : null;
    const subject = onSecret ? secretSubject(iamSecretId(r), facts) : undefined;
    const level = r.type.split(":")[1].split("/")[0].replace(/s$/, "");
    const secretId = onSecret
      ? text(iamSecretId(r))
      : `(${level} ${text(r.inputs.project ?? r.inputs.folder ?? r.inputs.orgId)})`;
    for (const g of grantsOf({ type: r.type, name: r.name, inputs: r.inputs }) ?? []) {
      const role = text(g.role);
      if (broad && !/^roles\/(secretmanager\.|owner$|editor$)/.test(role)) continue;
      for (const m of g.members) {
        out.push({
          secretId,
          variable: subject?.row.variable ?? null,
          consumer: identityOf(m, facts)?.consumer ?? null,
          member: text(m),
          role,
          condition,
          resource: r.name,
        });
      }
    }
  }
  return out;
}

/** Every variable each platform delivery carries, with the consumer its destination belongs to. */
export function deliveryEntries(p: RecordedPlan): DeliveryEntry[] {
  const facts = factsOf(p);
  const out: DeliveryEntry[] = [];
  for (const r of p.resources) {
    const rr = { type: r.type, name: r.name, inputs: r.inputs };
    if (!isDelivery(rr)) continue;
    const to = deliveryConsumer(rr, facts);
    const consumer = "consumer" in to ? to.consumer : "(unknown consumer)";
    const target = r.type.split(":").pop() ?? r.type;
    const destination = text(
      r.inputs.name ?? r.inputs.app ?? r.inputs.serviceId ?? r.inputs.groupName ?? r.name,
    );
    const names = deliveredNames(rr);
    for (const v of names.secrets)
      out.push({ variable: v, consumer, target, destination, kind: "secret" });
    for (const v of names.plain)
      out.push({ variable: v, consumer, target, destination, kind: "plain" });
  }
  return out;
}

/** Every secret the plan stores, with the variable and consumer its ID names. */
export function secretViews(p: RecordedPlan): SecretView[] {
  const facts = factsOf(p);
  return p.resources
    .filter((r) => SECRETS.has(r.type))
    .map((r) => {
      const s = secretSubject(r.inputs.secretId, facts);
      return {
        secretId: text(r.inputs.secretId),
        variable: s?.row.variable ?? null,
        scope: s ? (s.scope ?? "shared") : "?",
      };
    });
}

/** The stack's rotation keepers and open overlap windows, from its config. */
export function keepersOf(p: RecordedPlan): {
  rotations: Record<string, string>;
  previous: Record<string, string>;
} {
  const read = (k: string) => {
    try {
      const v = JSON.parse(p.config[`pegasus-secrets:${k}`] ?? "{}") as unknown;
      return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, string>) : {};
    } catch {
      return {};
    }
  };
  return { rotations: read("rotations"), previous: read("previousKeepers") };
}
