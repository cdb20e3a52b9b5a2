/**
 * Where a value came from, traced through the program the way a dye is traced through pipes: the
 * recorder (./record.ts) gives every value a secret source produces (a random resource's result, an
 * HMAC key, a Redis AUTH string, an encrypted or unset config value) a marker that holds a random
 * per-run taint. A value that carries the taint came from a secret source, or was derived from one
 * (a database URL around a generated password); a value without it was written somewhere else (a
 * literal in the program, plain config). The taint is drawn at random for each recording, so a
 * literal written in the program cannot carry it. (A program that set out to read the recorder's
 * memory could; docs/review.md says what the gate does not prove.)
 *
 * This file reads the registered inputs in the SDK's wire form, records the provenance of every
 * value that reaches Secret Manager or a platform's secrets, finds secret values in plain inputs,
 * and redacts: the recorded plan never holds a secret value.
 */
import { specialResourceSig, specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import type { OfflineFacts } from "../../policy/rules";

/** What replaces a secret value (or anything inside one) in the recorded plan. */
export const REDACTED = "[secret]";
/** What replaces a secret value found in a plain input. */
export const LEAKED = "[secret value in a plain input]";

const SECRET_VERSIONS = new Set([
  "gcp:secretmanager/secretVersion:SecretVersion",
  "gcp:secretmanager/regionalSecretVersion:RegionalSecretVersion",
]);

type Wire = { [k: string]: unknown };
const isWireSecret = (v: unknown): v is Wire =>
  !!v && typeof v === "object" && (v as Wire)[specialSigKey] === specialSecretSig;
const isWireResource = (v: unknown): v is Wire =>
  !!v && typeof v === "object" && (v as Wire)[specialSigKey] === specialResourceSig;

/** Every string inside `v` (secret wrappers opened). */
function strings(v: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 32) return out;
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => strings(x, out, depth + 1));
  else if (v && typeof v === "object") {
    if (isWireSecret(v)) strings(v.value, out, depth + 1);
    else for (const x of Object.values(v)) strings(x, out, depth + 1);
  }
  return out;
}

/** The taint tracer of one recording. */
export class Tracer {
  readonly provenance: OfflineFacts["provenance"] = [];
  readonly leaks: OfflineFacts["leaks"] = [];
  constructor(private readonly taint: string) {}

  /** True when `v` holds a value from a secret source (or derived from one). */
  tainted(v: unknown): boolean {
    return strings(v).some((s) => s.includes(this.taint));
  }

  /**
   * Records the provenance of what a resource stores or delivers as a secret, then returns its
   * inputs redacted: secret values and anything inside them become `[secret]` (object keys kept,
   * so a delivery's variable names stay readable), a secret value found in a plain input becomes
   * `[secret value in a plain input]` and is recorded as a leak, resource references and
   * serialized providers are named, not copied.
   */
  resource(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    if (SECRET_VERSIONS.has(type)) {
      // `secretData`, and any other field that carries the payload (`secretDataWo`, write-only).
      const fields = Object.keys(inputs).filter((k) => /^secretData/.test(k));
      for (const field of fields.length > 0 ? fields : ["secretData"]) {
        this.provenance.push({
          resource: name,
          type,
          field,
          fromSecretSource: this.tainted(inputs[field]),
        });
      }
    }
    const secrets = isWireSecret(inputs.secrets) ? inputs.secrets.value : inputs.secrets;
    if (type.startsWith("pulumi-nodejs:dynamic") && secrets && typeof secrets === "object") {
      for (const [k, v] of Object.entries(secrets as Record<string, unknown>)) {
        this.provenance.push({
          resource: name,
          type,
          field: `secrets.${k}`,
          fromSecretSource: this.tainted(v),
        });
      }
    }
    return this.redact(inputs, { resource: name, type, path: "" }) as Record<string, unknown>;
  }

  /** Stack outputs, redacted the same way; a secret value in a plain output is a leak. */
  outputs(exported: Record<string, unknown>): Record<string, unknown> {
    return this.redact(exported, {
      resource: "stack outputs",
      type: "pulumi:pulumi:Stack",
      path: "",
    }) as Record<string, unknown>;
  }

  private redact(v: unknown, at: { resource: string; type: string; path: string }): unknown {
    const field = (k: string) => (at.path ? `${at.path}.${k}` : k);
    if (isWireSecret(v)) return hide(v.value);
    if (isWireResource(v)) return `[resource ${String(v.urn)}]`;
    if (typeof v === "string") {
      if (!v.includes(this.taint)) return v;
      this.leaks.push({ resource: at.resource, type: at.type, field: at.path || "(value)" });
      return LEAKED;
    }
    if (Array.isArray(v)) return v.map((x, i) => this.redact(x, { ...at, path: field(String(i)) }));
    if (v && typeof v === "object") {
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => {
          if (k === "__provider" && typeof x === "string") {
            if (x.includes(this.taint)) {
              this.leaks.push({ resource: at.resource, type: at.type, field: "__provider" });
            }
            return [k, `[serialized provider, ${x.length} bytes]`];
          }
          return [k, this.redact(x, { ...at, path: field(k) })];
        }),
      );
    }
    return v;
  }
}

/** Everything inside a secret, keys kept and every leaf redacted. */
function hide(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(hide);
  if (isWireSecret(v)) return hide(v.value);
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, hide(x)]));
  }
  return REDACTED;
}
