/**
 * OpenAPI 3.0 schemas made usable by ajv (`nullable` rewritten to JSON Schema, refs made absolute),
 * query values coerced the OpenAPI form-style way, and ajv errors turned into value-free messages.
 */
import type { ErrorObject } from "ajv";
import { isPlainObject } from "./data";
import type { QueryParamDef } from "./openApiRoutes";
import type { JsonObject } from "./specFiles";

/** The JSON schema of a request body or response (its first JSON media type), if any. */
export function jsonSchemaOf(holder: JsonObject): JsonObject | undefined {
  const content = holder.content;
  if (!isPlainObject(content)) return undefined;
  for (const [type, media] of Object.entries(content)) {
    if (/json/i.test(type) && isPlainObject(media) && isPlainObject(media.schema)) {
      return media.schema;
    }
  }
  return undefined;
}

/** OpenAPI form-style query values to JSON: arrays, integers, numbers and booleans. */
export function coerceQueryValue(raw: string[], param: QueryParamDef): unknown {
  const schema = param.schema ?? {};
  const scalar = (text: string, type: unknown): unknown => {
    if ((type === "integer" || type === "number") && /^-?\d+(\.\d+)?$/.test(text)) {
      return Number(text);
    }
    if (type === "boolean" && (text === "true" || text === "false")) return text === "true";
    return text;
  };
  if (schema.type === "array") {
    const items = isPlainObject(schema.items) ? schema.items : {};
    const parts = param.explode ? raw : raw.flatMap((v) => v.split(","));
    return parts.map((p) => scalar(p, items.type));
  }
  return scalar(raw[raw.length - 1], schema.type);
}

/**
 * Makes an OpenAPI 3.0 schema ajv-ready: `nullable: true` becomes a `null` type (ajv refuses
 * `nullable` without `type`), and local `#/...` refs are made absolute when `refBase` is given so a
 * schema compiled on its own resolves into the registered `components/schemas`.
 */
export function prepareSchema(node: unknown, refBase: string | undefined): unknown {
  if (Array.isArray(node)) return node.map((n) => prepareSchema(n, refBase));
  if (!isPlainObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "nullable") continue;
    if (key === "$ref" && typeof value === "string" && refBase && value.startsWith("#/")) {
      out[key] = refBase + value;
    } else if (key === "example" || key === "examples" || key.startsWith("x-")) {
      // Examples are data, not schema: copying them would send the walker into them.
      out[key] = value;
    } else {
      out[key] = prepareSchema(value, refBase);
    }
  }
  if (node.nullable !== true) return out;
  if (typeof out.type === "string") {
    out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [{ type: "null" }, out] };
}

/** ajv errors as `<where>/<path> <message>`, without the data (it may be a secret). */
export function formatAjvErrors(where: string, errors: ErrorObject[] | null | undefined): string[] {
  const out: string[] = [];
  for (const e of errors ?? []) {
    let message = e.message ?? e.keyword;
    if (e.keyword === "enum" && Array.isArray(e.params.allowedValues)) {
      message += ` (${e.params.allowedValues.map((v: unknown) => JSON.stringify(v)).join(", ")})`;
    }
    if (e.keyword === "additionalProperties") message += ` '${e.params.additionalProperty}'`;
    const line = `${where}${e.instancePath} ${message}`;
    if (!out.includes(line)) out.push(line);
  }
  return out;
}
