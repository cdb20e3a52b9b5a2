/**
 * The engine's wire constants, and the wrapping of a secret, for the code that is bundled into
 * dynamic providers (the platform deliveries and the readiness gate). Defined once, here.
 *
 * Why not import `unknownValue`, `specialSigKey` and `specialSecretSig` from
 * `@pulumi/pulumi/runtime/rpc`, as the program and the tests do: this module is bundled into the
 * providers (`packaged.ts`), whose text is stored in every stack's state and run by whichever SDK
 * later refreshes or destroys the resource, so a provider imports Node.js built-ins only and never
 * depends on one of the SDK's internal files. These strings are part of the wire protocol and
 * never change; a test compares them with the SDK's.
 *
 * No module state, no Pulumi import.
 */

/** Key that marks an object as a special value (`specialSigKey`). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** Signature of a secret: `{[SIG_KEY]: SECRET_SIG, value}` (`specialSecretSig`). */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** What a value unknown until apply time looks like to a provider in a preview (`unknownValue`). */
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
