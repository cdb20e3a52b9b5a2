/**
 * Shared pieces of the platform provider tests: the environment a provider runs with (fake base
 * URL, canary token, fast HTTP timing), generated values, and an in-process driver that calls a
 * dynamic provider in the engine's order (check, diff, create/update/delete, read).
 *
 * The in-process driver exercises the providers' logic against the fakes quickly;
 * `test/components/delivery/provider.host.spec.ts` runs the same providers serialized, through the
 * SDK's real dynamic-provider host.
 */
import { randomBytes } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { reveal } from "../../../components/delivery/wire";
import type { LoggedRequest } from "@pegasus-secrets/platform-fakes";

/**
 * HTTP timing for tests: waits shrink 1000-fold; a request may take 2 s (the fakes answer in
 * milliseconds, but a loaded machine can stall one). The hung-request test sets a shorter timeout.
 */
export const FAST_HTTP: Record<string, string> = {
  PEGASUS_HTTP_TIMEOUT_MS: "2000",
  PEGASUS_HTTP_RETRY_BASE_MS: "2",
  PEGASUS_HTTP_RETRY_MAX_MS: "10",
  PEGASUS_HTTP_DELAY_SCALE: "0.001",
};

/** Sets environment variables for the duration of a test file; returns the function that restores them. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) delete process.env[k];
      else process.env[k] = x;
    }
  };
  apply(vars);
  return () => apply(saved);
}

/** A random value shaped like nothing in particular (tests never use literal secrets). */
export const value = (): string => `v${randomBytes(18).toString("hex")}`;

/** What the engine keeps of one dynamic resource between runs. */
export interface Held {
  id: string;
  outs: Record<string, unknown>;
}

/** A partial failure the provider reported: id and properties the engine would keep. */
export interface InitFailure {
  id: string;
  properties: Record<string, unknown>;
  reasons: string[];
  message: string;
}

const initFailureOf = (err: unknown): InitFailure | undefined => {
  const e = err as Partial<InitFailure> & Error;
  return e && typeof e.id === "string" && e.properties
    ? { id: e.id, properties: e.properties, reasons: e.reasons ?? [], message: e.message }
    : undefined;
};

/** Result of one `up`: what the engine did and what it now holds. */
export interface UpResult {
  action: "create" | "update" | "same" | "replace";
  held: Held;
  changedKeys: string[];
}

/**
 * One `pulumi up` of one resource, as the engine sequences it: check, then create (no state) or
 * diff and update/replace. A partial failure is thrown as an `Error` with `initFailure` attached,
 * carrying what the engine would keep.
 */
export async function up(
  provider: pulumi.dynamic.ResourceProvider,
  held: Held | undefined,
  inputs: Record<string, unknown>,
): Promise<UpResult> {
  const checked = await provider.check!(held?.outs ?? {}, inputs);
  if ((checked.failures ?? []).length > 0) {
    throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
  }
  const news = (checked.inputs ?? inputs) as Record<string, unknown>;
  const attempt = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      const init = initFailureOf(err);
      throw Object.assign(err as Error, { initFailure: init });
    }
  };
  if (!held) {
    const r = await attempt(() => provider.create!(news));
    return { action: "create", held: { id: r.id, outs: r.outs }, changedKeys: [] };
  }
  const d = (await provider.diff!(held.id, held.outs, news)) as pulumi.dynamic.DiffResult & {
    changedKeys: string[];
  };
  if ((d.replaces ?? []).length > 0) {
    const r = await attempt(() => provider.create!(news));
    await provider.delete!(held.id, held.outs);
    return { action: "replace", held: { id: r.id, outs: r.outs }, changedKeys: d.changedKeys };
  }
  if (!d.changes) return { action: "same", held, changedKeys: d.changedKeys };
  const r = await attempt(() => provider.update!(held.id, held.outs, news));
  return {
    action: "update",
    held: { id: held.id, outs: r.outs ?? {} },
    changedKeys: d.changedKeys,
  };
}

/** Runs `up`, expecting a partial failure; returns what the engine would then hold. */
export async function upFailingPartway(
  provider: pulumi.dynamic.ResourceProvider,
  held: Held | undefined,
  inputs: Record<string, unknown>,
): Promise<{ held: Held; message: string }> {
  try {
    await up(provider, held, inputs);
  } catch (err) {
    const init = (err as { initFailure?: InitFailure }).initFailure;
    if (!init) throw err;
    return { held: { id: init.id, outs: init.properties }, message: init.message };
  }
  throw new Error("expected the update to fail part-way");
}

/** `pulumi refresh` of one resource: what the engine holds afterwards (undefined when gone). */
export async function refresh(
  provider: pulumi.dynamic.ResourceProvider,
  held: Held,
): Promise<Held | undefined> {
  const r = await provider.read!(held.id, held.outs);
  if (!r.id) return undefined;
  return { id: r.id, outs: r.props ?? {} };
}

/** Requests that change something on the platform (every method but GET; for GraphQL, mutations). */
export const writes = (requests: LoggedRequest[]): LoggedRequest[] =>
  requests.filter((r) =>
    r.path.includes("graphql") || r.rawPath.includes("graphql")
      ? /mutation/i.test(String((r.body as { query?: string })?.query ?? ""))
      : r.method !== "GET",
  );

/** True if `v` is a wire secret. */
export const isWireSecret = (v: unknown): boolean =>
  typeof v === "object" &&
  v !== null &&
  (v as Record<string, unknown>)[specialSigKey] === specialSecretSig;

/** Everything in `outs` that is not wrapped as secret, as JSON: where no value may appear. */
export function nonSecretJson(outs: Record<string, unknown>): string {
  const strip = (v: unknown): unknown => {
    if (isWireSecret(v)) return "[secret]";
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, strip(x)]));
    return v;
  };
  return JSON.stringify(strip(outs));
}

export { reveal };
