/**
 * What a delivery keeps in state and how a change is computed from it, for every platform: the
 * owned keys, plain values and keyed hashes of secret values (HMAC-SHA256 under a per-resource key,
 * never a bare digest: DESIGN.md §2), the key-level diff, and the check of the inputs. Pure
 * functions, no Pulumi import and no module state: bundled into each provider.
 */
import { createHmac, randomBytes } from "crypto";
import { hasUnknown, reveal, UNKNOWN } from "./wire";

/** A fresh per-resource hash key (kept in state, as secret). */
export const newHashKey = (): string => randomBytes(32).toString("hex");

/** Keyed hash of one desired value: comparable across runs, useless without the key in state. */
export function keyedHash(hashKey: string, name: string, value: string): string {
  return createHmac("sha256", hashKey).update(name).update("\u0000").update(value).digest("hex");
}

/** What every delivery resource receives: plain variables and secret ones (plain on the wire). */
export interface DeliveryInputs {
  vars: Record<string, string>;
  secrets: Record<string, string>;
  activation: string;
  adopt: boolean;
}

/** What every delivery resource keeps in state: key names, plain values, keyed hashes. */
export interface DeliveryState {
  /** Owned secret keys (names only). */
  secretKeys: string[];
  /** Owned plain keys. */
  plainKeys: string[];
  /** Plain values as last written (or as read back by a refresh). */
  vars: Record<string, string>;
  /** Per-resource HMAC key (secret in state). */
  hashKey: string;
  /** Owned secret key -> keyed hash of its value as last written or read back (secret in state). */
  hashes: Record<string, string>;
  activation: string;
  adopt: boolean;
}

/** Every key this resource owns. */
export const ownedKeys = (s: Pick<DeliveryState, "secretKeys" | "plainKeys">): string[] =>
  [...new Set([...(s.secretKeys ?? []), ...(s.plainKeys ?? [])])].sort();

/** The desired key -> value map (plain and secret together). */
export const desiredValues = (news: DeliveryInputs): Record<string, string> => ({
  ...(news.vars ?? {}),
  ...(news.secrets ?? {}),
});

/**
 * Which keys an update has to write or delete, from the state alone (no API call, so a preview
 * needs no credentials): a secret whose keyed hash differs, a plain value that differs, a key that
 * moved between plain and secret, a key the state does not have; and owned keys no longer desired.
 */
export function keyDiff(
  olds: DeliveryState,
  news: DeliveryInputs,
): { changed: string[]; removed: string[]; unknown: string[] } {
  const changed: string[] = [];
  const unknown: string[] = [];
  const hashes = olds.hashes ?? {};
  const vars = olds.vars ?? {};
  // A whole map unknown in a preview is not a map of keys (the caller reports it as a change).
  const asMap = (m: unknown): Record<string, string> =>
    m && typeof m === "object" && !Array.isArray(m) ? (m as Record<string, string>) : {};
  news = { ...news, secrets: asMap(news.secrets), vars: asMap(news.vars) };
  for (const [key, value] of Object.entries(news.secrets)) {
    if (value === UNKNOWN || typeof value !== "string") unknown.push(key);
    else if (!olds.hashKey || hashes[key] !== keyedHash(olds.hashKey, key, value))
      changed.push(key);
  }
  for (const [key, value] of Object.entries(news.vars)) {
    if (value === UNKNOWN) unknown.push(key);
    else if (!(key in vars) || vars[key] !== value || (olds.secretKeys ?? []).includes(key))
      changed.push(key);
  }
  const desired = new Set([...Object.keys(news.secrets ?? {}), ...Object.keys(news.vars ?? {})]);
  const removed = ownedKeys(olds).filter((k) => !desired.has(k));
  return { changed: changed.sort(), removed, unknown: unknown.sort() };
}

/** The state's view of the owned keys after writing `values` (what the platform now holds). */
export function stateFromPlatform(
  hashKey: string,
  secretKeys: string[],
  plainKeys: string[],
  platform: Record<string, string | undefined>,
): Pick<DeliveryState, "vars" | "hashes"> {
  const hashes: Record<string, string> = {};
  const vars: Record<string, string> = {};
  for (const k of secretKeys) {
    const v = platform[k];
    if (typeof v === "string") hashes[k] = keyedHash(hashKey, k, v);
  }
  for (const k of plainKeys) {
    const v = platform[k];
    if (typeof v === "string") vars[k] = v;
  }
  return { vars, hashes };
}

/** The desired key names, secret and plain, of some inputs. */
export const keysOf = (news: DeliveryInputs): { secretKeys: string[]; plainKeys: string[] } => ({
  secretKeys: Object.keys(news.secrets ?? {}).sort(),
  plainKeys: Object.keys(news.vars ?? {}).sort(),
});

/**
 * The keys a delivery owns after a run. Done: exactly the desired ones. Stopped part-way: the
 * desired ones, and every key it owned before that this run has not yet written or removed
 * (`settled`), so the next run finishes the job and nothing is lost. A key is secret if either side
 * says so; the next diff then writes it as what it should be.
 */
export function ownedAfter(
  olds: Pick<DeliveryState, "secretKeys" | "plainKeys"> | undefined,
  news: DeliveryInputs,
  settled: Set<string>,
  done: boolean,
): { secretKeys: string[]; plainKeys: string[] } {
  const wanted = keysOf(news);
  if (done) return wanted;
  const keep = (keys: string[] | undefined) => (keys ?? []).filter((k) => !settled.has(k));
  const secretKeys = [...new Set([...wanted.secretKeys, ...keep(olds?.secretKeys)])].sort();
  const plainKeys = [...new Set([...wanted.plainKeys, ...keep(olds?.plainKeys)])]
    .filter((k) => !secretKeys.includes(k))
    .sort();
  return { secretKeys, plainKeys };
}

/**
 * The engine's answer to a change: `changes` is never false while an input is unknown (preview),
 * `replaces` names the identity fields that differ, and `changedKeys` names (never values) every
 * key an update would write or delete.
 */
export interface DeliveryDiff {
  changes: boolean;
  replaces: string[];
  changedKeys: string[];
  deleteBeforeReplace: boolean;
}

/** Diff of a delivery resource; `pending` is true when a previous run left an activation undone. */
export function diffDelivery(
  olds: DeliveryState & Record<string, unknown>,
  news: DeliveryInputs & Record<string, unknown>,
  fields: { replace: string[]; update: string[] },
  pending: boolean,
): DeliveryDiff {
  const o = reveal(olds);
  const n = reveal(news);
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const replaces = fields.replace.filter((f) => hasUnknown(n[f]) || !same(o[f], n[f]));
  const keys = keyDiff(o, n);
  const changedKeys = [...new Set([...keys.changed, ...keys.unknown, ...keys.removed])].sort();
  const fieldChanged = fields.update.some((f) => hasUnknown(n[f]) || !same(o[f], n[f]));
  return {
    changes:
      replaces.length > 0 ||
      changedKeys.length > 0 ||
      fieldChanged ||
      pending ||
      hasUnknown(n.secrets) ||
      hasUnknown(n.vars),
    replaces,
    changedKeys,
    // Create the new destination first, then remove the owned keys from the old one.
    deleteBeforeReplace: false,
  };
}

/**
 * Checks the inputs shared by every delivery: key names, no key both plain and secret. In a
 * preview a whole map can be unknown (the sentinel instead of the map): there is nothing to check
 * in it yet, so it passes, and the diff reports the change.
 */
export function checkDeliveryInputs(
  news: Record<string, unknown>,
  keyPattern: RegExp,
): { property: string; reason: string }[] {
  const failures: { property: string; reason: string }[] = [];
  const mapOf = (property: "vars" | "secrets"): Record<string, unknown> => {
    const m = news[property];
    if (m === undefined || m === UNKNOWN) return {};
    if (typeof m !== "object" || m === null || Array.isArray(m)) {
      failures.push({ property, reason: "must be a map of names to strings" });
      return {};
    }
    return m as Record<string, unknown>;
  };
  const vars = mapOf("vars");
  const secrets = mapOf("secrets");
  for (const k of [...Object.keys(vars), ...Object.keys(secrets)]) {
    if (!keyPattern.test(k))
      failures.push({ property: `vars.${k}`, reason: `"${k}" is not a valid variable name` });
  }
  for (const k of Object.keys(vars)) {
    if (k in secrets)
      failures.push({ property: `secrets.${k}`, reason: `"${k}" is both plain and secret` });
  }
  return failures;
}
