/**
 * What the three platform providers share: the wire form of a secret output, keyed hashes of
 * desired values, the key-level diff, credentials and base URLs from the environment, and the
 * partial-failure error that keeps a half-applied change in state so the next run converges.
 *
 * Like `http.ts`, no Pulumi import and no module state: this code is serialized into each dynamic
 * provider (DESIGN.md D6). Nothing here reads the environment until a provider method calls it.
 */
import { createHmac, randomBytes } from "crypto";
import {
  apiError,
  ApiError,
  ApiRequest,
  ApiResponse,
  callApi,
  HttpSettings,
  httpSettings,
  platformMessage,
} from "../../lib/http";

/** The engine's marker of a special value, and its "secret" signature (sdk/nodejs/runtime/rpc). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** What a value unknown until apply time looks like to a provider during a preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A value wrapped as secret on the wire. */
export interface WireSecret<T> {
  [SIG_KEY]: typeof SECRET_SIG;
  value: T;
}

/**
 * Wraps an output the provider derives from values (hashes, digests, the hash key) as secret.
 * The engine only re-marks outputs named like a secret input (DESIGN.md §2), so the provider marks
 * these itself.
 */
export function wireSecret<T>(value: T): WireSecret<T> {
  return { [SIG_KEY]: SECRET_SIG, value } as WireSecret<T>;
}

/** Removes secret wrappers, deeply. The engine sends plain values; tests may send wrapped ones. */
export function reveal<T>(v: T): T {
  if (Array.isArray(v)) return v.map(reveal) as unknown as T;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG) return reveal(o.value) as T;
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, reveal(x)])) as T;
  }
  return v;
}

/** True if the preview sentinel appears anywhere in `v`. */
export function hasUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(hasUnknown);
  if (v && typeof v === "object") return Object.values(v).some(hasUnknown);
  return false;
}

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

/** The credential a provider needs, read when it runs; a clear error names the variable when unset. */
export function credential(envName: string, platform: string, what: string): string {
  const value = process.env[envName];
  if (value === undefined || value.trim() === "") {
    throw new Error(
      `${envName} is not set. The ${platform} provider reads ${what} from it when \`pulumi up\`, \`pulumi refresh\` or \`pulumi destroy\` runs (docs/platforms.md); export it in that shell or CI job.`,
    );
  }
  return value.trim();
}

/** The API base URL: the override from `envName` (tests, proxies) or the public one. */
export function baseUrl(envName: string, fallback: string): string {
  const value = process.env[envName];
  return (value && value.trim() !== "" ? value.trim() : fallback).replace(/\/+$/, "");
}

/** A client bound to one platform: credential header, base URL and redaction applied to every call. */
export interface PlatformClient {
  call(
    method: string,
    path: string,
    opts?: Omit<ApiRequest, "platform" | "method" | "url" | "headers">,
  ): Promise<ApiResponse>;
  settings: HttpSettings;
}

/** Builds a client; `redact` lists the values being written, so no error can echo one. */
export function platformClient(
  platform: string,
  base: string,
  headers: Record<string, string>,
  redact: string[],
  credentialEnv: string,
): PlatformClient {
  const settings = httpSettings(process.env);
  const secretsInHeaders = Object.values(headers).flatMap((h) => [h, h.replace(/^\S+\s+/, "")]);
  return {
    settings,
    call: (method, path, opts = {}) =>
      callApi(
        {
          ...opts,
          platform,
          method,
          url: `${base}${path}`,
          headers,
          credentialEnv,
          redact: [...secretsInHeaders, ...redact, ...(opts.redact ?? [])],
        },
        settings,
      ),
  };
}

/**
 * A failure after the platform already changed: the dynamic-provider host reports it as
 * "created/updated but not initialized" with these properties, so the engine keeps what was done
 * in state and the next `pulumi up` finishes the job instead of repeating or losing it.
 */
export function partialFailure(
  err: unknown,
  id: string,
  properties: Record<string, unknown>,
): Error & { id: string; properties: Record<string, unknown>; reasons: string[] } {
  const message =
    err instanceof Error ? err.message : "the change stopped part-way for an unknown reason";
  return Object.assign(
    new Error(
      `${message} Part of the change was applied and is recorded in the stack's state; run \`pulumi up\` again to finish it.`,
    ),
    { id, properties, reasons: [message] },
  );
}

/**
 * The object a delivery's state points to (a Render group, a Fly.io app, a Railway service) is gone:
 * someone deleted it outside Pulumi. An update fails with this error rather than writing to a new
 * object: the engine keeps the ID it has, so a new object would be one the state does not know (a
 * refresh would drop the delivery while the new object kept every value, and a destroy would delete
 * nothing). A replacement is not possible either: only diff can ask for one, and diff works from
 * the state alone (a preview needs no credentials). A refresh drops the delivery; the next
 * `pulumi up` creates it again. `then` says what to do after the refresh.
 */
export function goneError(what: string, then: string): Error {
  return new Error(
    `${what} no longer exists: it was deleted outside Pulumi, and an update never moves this delivery to an object its state does not know. Run \`pulumi refresh\` (it drops the delivery from the state), then ${then}.`,
  );
}

/**
 * The error of a GraphQL answer that carries `errors` (Railway answers them with HTTP 200): the
 * platform's message, scrubbed, with a hint at the credential when it was refused.
 */
export function apiErrorOf(
  platform: string,
  label: string,
  body: unknown,
  credentialEnv: string,
  redact: string[],
): ApiError {
  const message = platformMessage(body) ?? "failed without a message";
  const unauthorized = /not authori[sz]ed|token not found|two factor|unauthenticated/i.test(
    message,
  );
  const hint = unauthorized
    ? ` Check ${credentialEnv}: it must be an account or workspace token with access to this project.`
    : "";
  return apiError(
    `${platform} API: ${label} failed: ${message}.${hint}`,
    { platform, unauthorized },
    redact,
  );
}

/** URL-encodes one path segment. */
export const seg = (s: string): string => encodeURIComponent(s);
