/**
 * Wire values: how Pulumi encodes secrets, unknowns, outputs and resource references inside a
 * protobuf Struct, and the helpers the harnesses use to build, inspect and decode them. The
 * constants are the SDK's own (`@pulumi/pulumi/runtime/rpc`, matching the engine's `resource/sig`
 * package), under the names this harness uses.
 */
import * as structpb from "google-protobuf/google/protobuf/struct_pb";
import * as rpc from "@pulumi/pulumi/runtime/rpc";

/** Key that marks an object as a special Pulumi value. */
export const SIG_KEY = rpc.specialSigKey;
/** Signature of a secret: `{[SIG_KEY]: SECRET_SIG, value}`. */
export const SECRET_SIG = rpc.specialSecretSig;
/** Signature of an output value: `{[SIG_KEY]: OUTPUT_VALUE_SIG, value?, secret?, dependencies?}`. */
export const OUTPUT_VALUE_SIG = rpc.specialOutputValueSig;
/** Signature of a resource reference: `{[SIG_KEY]: RESOURCE_REF_SIG, urn, id?, packageVersion?}`. */
export const RESOURCE_REF_SIG = rpc.specialResourceSig;
/** The string that stands for a value not known until apply time (preview). */
export const UNKNOWN = rpc.unknownValue;

/** A Pulumi secret as it travels on the wire. */
export interface SecretValue {
  [SIG_KEY]: typeof SECRET_SIG;
  value: unknown;
}

/** Wraps `value` the way the engine marks a secret on the wire. */
export function secret(value: unknown): SecretValue {
  return { [SIG_KEY]: SECRET_SIG, value };
}

/** A plain object: not an array, not null. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** True if `v` is a wire secret `{[SIG_KEY]: SECRET_SIG, value}`. */
export function isSecret(v: unknown): v is SecretValue {
  return isPlainObject(v) && v[SIG_KEY] === SECRET_SIG;
}

/** True if `v` is the unknown sentinel or an output value whose value is not known. */
export function isUnknown(v: unknown): boolean {
  if (v === UNKNOWN) {
    return true;
  }
  return isPlainObject(v) && v[SIG_KEY] === OUTPUT_VALUE_SIG && !("value" in v);
}

/** True if a secret appears anywhere inside `v` (including secret output values). */
export function containsSecrets(v: unknown): boolean {
  if (isSecret(v)) {
    return true;
  }
  if (Array.isArray(v)) {
    return v.some(containsSecrets);
  }
  if (isPlainObject(v)) {
    if (v[SIG_KEY] === OUTPUT_VALUE_SIG && v["secret"] === true) {
      return true;
    }
    return Object.values(v).some(containsSecrets);
  }
  return false;
}

/** True if an unknown appears anywhere inside `v`. */
export function containsUnknowns(v: unknown): boolean {
  if (isUnknown(v)) {
    return true;
  }
  if (Array.isArray(v)) {
    return v.some(containsUnknowns);
  }
  if (isPlainObject(v)) {
    return Object.values(v).some(containsUnknowns);
  }
  return false;
}

/** Removes every secret wrapper, deeply: what a reader sees once the secret is revealed. */
export function unwrapSecrets(v: unknown): unknown {
  if (isSecret(v)) {
    return unwrapSecrets(v.value);
  }
  if (Array.isArray(v)) {
    return v.map(unwrapSecrets);
  }
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      out[k] = unwrapSecrets(x);
    }
    return out;
  }
  return v;
}

/**
 * Makes `v` encodable as a protobuf Value: `Struct.fromJavaScript` throws on `undefined`, so keys
 * holding `undefined` are dropped and array holes become `null` (what JSON would do).
 */
export function toWireJs(v: unknown): unknown {
  if (v === undefined || v === null) {
    return null;
  }
  if (Array.isArray(v)) {
    return v.map((x) => (x === undefined ? null : toWireJs(x)));
  }
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x !== undefined) {
        out[k] = toWireJs(x);
      }
    }
    return out;
  }
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") {
    return v;
  }
  throw new Error(`value of type ${typeof v} cannot travel in a protobuf Struct`);
}

/** Encodes a plain JS object (sig objects included) as a protobuf Struct. */
export function jsToStruct(obj: Record<string, unknown>): structpb.Struct {
  return structpb.Struct.fromJavaScript(toWireJs(obj) as Record<string, structpb.JavaScriptValue>);
}

/** Decodes a protobuf Struct to plain JS; sig objects (secrets, unknowns...) stay as they are. */
export function structToJs(s: structpb.Struct | undefined): Record<string, unknown> {
  return s ? (s.toJavaScript() as Record<string, unknown>) : {};
}
