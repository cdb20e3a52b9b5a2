/**
 * Property marshalling, engine side: what the engine sends a provider that accepts neither
 * secrets nor resource references (the dynamic-provider host), what it makes of the answer, and
 * `annotateSecrets`, which copies the secret bit back onto outputs.
 */
import {
  OUTPUT_VALUE_SIG,
  RESOURCE_REF_SIG,
  SIG_KEY,
  UNKNOWN,
  containsSecrets,
  isPlainObject,
  isSecret,
  secret,
} from "./wire";

/** Which wire values survive marshalling, after what the provider said it accepts. */
export interface MarshalOptions {
  keepSecrets: boolean;
  keepResources: boolean;
  keepUnknowns: boolean;
}

const DROP = Symbol("drop");

/** `MarshalPropertyValue` for what the harness can be given: plain JS plus wire sig objects. */
export function marshalValue(v: unknown, o: MarshalOptions): unknown {
  if (v === UNKNOWN) {
    return o.keepUnknowns ? UNKNOWN : DROP;
  }
  if (Array.isArray(v)) {
    return v.map((x) => marshalValue(x, o)).filter((x) => x !== DROP);
  }
  if (!isPlainObject(v)) {
    return v;
  }
  const sig = v[SIG_KEY];
  if (isSecret(v)) {
    const inner = marshalValue(v.value, o);
    return o.keepSecrets && inner !== DROP ? secret(inner) : inner;
  }
  if (sig === OUTPUT_VALUE_SIG) {
    // The engine only sends output values to providers that accept them; this host does not.
    let inner: unknown = "value" in v ? v["value"] : UNKNOWN;
    if (v["secret"] === true) {
      inner = secret(inner);
    }
    return marshalValue(inner, o);
  }
  if (sig === RESOURCE_REF_SIG) {
    if (o.keepResources) {
      return v;
    }
    // A reference becomes its id (unknown if empty), or its URN for a component.
    if ("id" in v) {
      return marshalValue(v["id"] === "" ? UNKNOWN : v["id"], o);
    }
    return v["urn"];
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const m = marshalValue(x, o);
    if (m !== DROP) {
      out[k] = m;
    }
  }
  return out;
}

/** Marshals a property map (see {@link marshalValue}). */
export function marshal(
  props: Record<string, unknown>,
  o: MarshalOptions,
): Record<string, unknown> {
  return marshalValue(props, o) as Record<string, unknown>;
}

/** `UnmarshalProperties` without KeepOutputValues: output values become plain/secret/unknown. */
function unmarshalValue(v: unknown, rejectUnknowns: boolean, label: string): unknown {
  if (v === UNKNOWN) {
    if (rejectUnknowns) {
      throw new Error(`${label}: unexpected unknown property value`);
    }
    return v;
  }
  if (Array.isArray(v)) {
    return v.map((x) => unmarshalValue(x, rejectUnknowns, label));
  }
  if (!isPlainObject(v)) {
    return v;
  }
  if (v[SIG_KEY] === OUTPUT_VALUE_SIG) {
    const inner = "value" in v ? v["value"] : UNKNOWN;
    const val = unmarshalValue(inner, rejectUnknowns, label);
    return v["secret"] === true ? secret(val) : val;
  }
  if (isSecret(v)) {
    return secret(unmarshalValue(v.value, rejectUnknowns, label));
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    out[k] = unmarshalValue(x, rejectUnknowns, label);
  }
  return out;
}

/** Unmarshals a property map (see {@link unmarshalValue}). */
export function unmarshal(
  props: Record<string, unknown>,
  rejectUnknowns: boolean,
  label: string,
): Record<string, unknown> {
  return unmarshalValue(props, rejectUnknowns, label) as Record<string, unknown>;
}

/** A Pulumi object value: a plain map that is not a sig value (secret, asset, reference...). */
function isPropertyMap(v: unknown): v is Record<string, unknown> {
  return isPlainObject(v) && !(SIG_KEY in v);
}

/**
 * The engine's `annotateSecrets`: copies the secret bit from inputs onto outputs of the same key,
 * recursing where both sides are objects. Only same-named keys are covered: an output derived
 * from a secret under another name comes back plaintext, exactly as under the real engine.
 */
export function annotateSecrets(outs: Record<string, unknown>, ins: Record<string, unknown>): void {
  for (const [key, inValue] of Object.entries(ins)) {
    if (!(key in outs)) {
      continue;
    }
    const outValue = outs[key];
    if (isPropertyMap(outValue) && isPropertyMap(inValue)) {
      annotateSecrets(outValue, inValue);
    } else if (!isSecret(outValue) && containsSecrets(inValue)) {
      outs[key] = secret(outValue);
    }
  }
}
