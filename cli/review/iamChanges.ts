/**
 * What changes in who holds which role on which secret, between two recordings: one row per member
 * and secret (and IAM condition) whose roles differ, so a wider role is a change, never a
 * revocation; each with the rules the change's grant breaks. Break-glass grants are also told
 * apart, with their incident and expiry.
 */
import { POLICIES, Violation } from "../../policy/rules";
import type { IamEntry } from "./planViews";

/** One change of one member's roles on one secret (same condition). */
export interface IamChange {
  change: "added" | "removed" | "changed";
  secretId: string;
  variable: string | null;
  consumer: string | null;
  member: string;
  before: string[];
  after: string[];
  condition: string | null;
  resource: string;
  /** The rules the head's grant breaks: policy name and the guide line it enforces. */
  breaks: { policy: string; guide: string }[];
}

/** A break-glass grant that appears or goes. */
export interface EmergencyChange {
  change: "added" | "removed";
  member: string;
  secretId: string;
  variable: string | null;
  incident: string;
  expiresAt: string;
}

/** Rows of `head` not in `base`, and of `base` not in `head`, by key; order of each side kept. */
export function setDiff<T>(
  base: T[],
  head: T[],
  key: (t: T) => string,
): { added: T[]; removed: T[] } {
  const b = new Set(base.map(key));
  const h = new Set(head.map(key));
  return { added: head.filter((x) => !b.has(key(x))), removed: base.filter((x) => !h.has(key(x))) };
}

const MEMBER = /(serviceAccount|user|group|domain|deleted):|allUsers|allAuthenticatedUsers/;
const GUIDE_OF = new Map(POLICIES.map((p) => [p.name, p.guide ?? p.description]));

/** Role changes by (secret, member, condition); a wider role is a change, never a revocation. */
export function iamChanges(
  base: IamEntry[],
  head: IamEntry[],
  violations: Violation[],
): IamChange[] {
  const key = (e: IamEntry) => `${e.secretId}|${e.member}|${e.condition?.title ?? ""}`;
  const group = (es: IamEntry[]) => {
    const m = new Map<string, IamEntry[]>();
    for (const e of es) m.set(key(e), [...(m.get(key(e)) ?? []), e]);
    return m;
  };
  const b = group(base);
  const h = group(head);
  const out: IamChange[] = [];
  for (const k of new Set([...b.keys(), ...h.keys()])) {
    const before = [...new Set((b.get(k) ?? []).map((e) => e.role))].sort();
    const after = [...new Set((h.get(k) ?? []).map((e) => e.role))].sort();
    if (before.join() === after.join()) continue;
    const e = (h.get(k) ?? b.get(k))![0];
    const resources = new Set((h.get(k) ?? []).map((x) => x.resource));
    // The rules its resource breaks: about this member, or about the resource as a whole.
    const breaks = violations
      .filter((v) => v.resource && resources.has(v.resource))
      .filter((v) => v.message.includes(e.member) || !MEMBER.test(v.message))
      .map((v) => ({ policy: v.policy, guide: guideOf(v) }));
    out.push({
      change: before.length === 0 ? "added" : after.length === 0 ? "removed" : "changed",
      secretId: e.secretId,
      variable: e.variable,
      consumer: e.consumer,
      member: e.member,
      before,
      after,
      condition: e.condition?.title ?? null,
      resource: e.resource,
      breaks: [...new Map(breaks.map((x) => [x.policy, x])).values()],
    });
  }
  return out;
}

/** The guide line a violation breaks: the matrix row it quotes, else its policy's guide line. */
function guideOf(v: Violation): string {
  const quoted = /guide: "([^"]+)"/.exec(v.message)?.[1];
  return quoted ?? GUIDE_OF.get(v.policy) ?? "";
}

export function emergencyChanges(base: IamEntry[], head: IamEntry[]): EmergencyChange[] {
  const of = (es: IamEntry[]) =>
    es
      .filter((e) => e.condition && /^break-glass /.test(e.condition.title))
      .map((e) => ({
        member: e.member,
        secretId: e.secretId,
        variable: e.variable,
        incident: e.condition!.title.replace(/^break-glass /, ""),
        expiresAt: /timestamp\("([^"]+)"\)/.exec(e.condition!.expression)?.[1] ?? "?",
      }));
  const d = setDiff(
    of(base),
    of(head),
    (g) => `${g.member}|${g.secretId}|${g.incident}|${g.expiresAt}`,
  );
  return [
    ...d.added.map((g) => ({ change: "added" as const, ...g })),
    ...d.removed.map((g) => ({ change: "removed" as const, ...g })),
  ];
}
