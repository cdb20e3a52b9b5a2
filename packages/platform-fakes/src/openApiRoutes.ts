/**
 * Routes of an OpenAPI document: each operation with its query parameters, body and responses
 * (`$ref`s resolved), grouped by path template, and the lookup of a method and path.
 */
import { isPlainObject } from "./data";
import { jsonSchemaOf } from "./openApiSchema";
import { decodePointer, dig, type JsonObject } from "./specFiles";

/** A query parameter of an operation (path-level and operation-level merged, `$ref`s resolved). */
export interface QueryParamDef {
  name: string;
  required: boolean;
  schema?: JsonObject;
  /** OpenAPI `explode` (form style defaults to true); false means `a,b,c` in one value. */
  explode: boolean;
}

/** One operation of an OpenAPI document. */
export interface ContractOperation {
  /** Upper-case HTTP method. */
  method: string;
  /** Path template as written in the spec, e.g. `/env-groups/{envGroupId}`. */
  template: string;
  operationId: string;
  /** `METHOD template`, the prefix of every violation about this operation. */
  label: string;
  queryParams: QueryParamDef[];
  /** Undefined when the operation takes no body. */
  body?: { required: boolean; schema?: JsonObject };
  /** Declared statuses; the value is the JSON schema of the answer, or null for no JSON body. */
  responses: Record<string, JsonObject | null>;
}

/** What a method + path resolves to. */
export type RouteMatch =
  | { kind: "operation"; operation: ContractOperation; params: Record<string, string> }
  | { kind: "unknown-method"; template: string; allowed: string[] }
  | { kind: "unknown-path" };

/** The operations under one path template, with its segments for matching. */
export interface TemplateGroup {
  template: string;
  segments: Array<{ literal: string } | { param: string }>;
  literalCount: number;
  operations: Map<string, ContractOperation>;
}

const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];

/** Follows local `$ref`s (`#/...`) inside the document. */
function resolveRef<T>(doc: JsonObject, value: unknown): T | undefined {
  let current = value;
  for (let i = 0; i < 16 && isPlainObject(current) && typeof current.$ref === "string"; i++) {
    const ref = current.$ref;
    if (!ref.startsWith("#/")) return undefined;
    current = dig(doc, ref.slice(2).split("/").map(decodePointer));
  }
  return current as T | undefined;
}

/** Every path template of the document with its operations, a literal segment ranked first. */
export function buildRoutes(doc: JsonObject): TemplateGroup[] {
  const groups: TemplateGroup[] = [];
  const paths = doc.paths;
  if (!isPlainObject(paths)) return groups;
  for (const [template, rawItem] of Object.entries(paths)) {
    const item = resolveRef<JsonObject>(doc, rawItem);
    if (!isPlainObject(item)) continue;
    const group: TemplateGroup = {
      template,
      segments: template
        .split("/")
        .slice(1)
        .map((s) => {
          const param = /^\{(.+)\}$/.exec(s)?.[1];
          return param === undefined ? { literal: s } : { param };
        }),
      literalCount: 0,
      operations: new Map(),
    };
    group.literalCount = group.segments.filter((s) => "literal" in s).length;
    const pathParams = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isPlainObject(op)) continue;
      const upper = method.toUpperCase();
      group.operations.set(upper, buildOperation(doc, upper, template, op, pathParams));
    }
    groups.push(group);
  }
  // A literal segment beats a parameter: `/services/{id}/restart` before `/services/{id}/{x}`.
  groups.sort((a, b) => b.literalCount - a.literalCount);
  return groups;
}

function buildOperation(
  doc: JsonObject,
  method: string,
  template: string,
  op: JsonObject,
  pathParams: unknown[],
): ContractOperation {
  const params = new Map<string, JsonObject>();
  for (const raw of [...pathParams, ...(Array.isArray(op.parameters) ? op.parameters : [])]) {
    const p = resolveRef<JsonObject>(doc, raw);
    if (isPlainObject(p) && typeof p.name === "string") params.set(`${p.in}:${p.name}`, p);
  }
  const queryParams: QueryParamDef[] = [];
  for (const p of params.values()) {
    if (p.in !== "query") continue;
    queryParams.push({
      name: p.name as string,
      required: p.required === true,
      schema: isPlainObject(p.schema) ? p.schema : undefined,
      explode: p.explode !== false,
    });
  }
  let body: ContractOperation["body"];
  const requestBody = resolveRef<JsonObject>(doc, op.requestBody);
  if (isPlainObject(requestBody)) {
    body = { required: requestBody.required === true, schema: jsonSchemaOf(requestBody) };
  }
  const responses: Record<string, JsonObject | null> = {};
  if (isPlainObject(op.responses)) {
    for (const [status, raw] of Object.entries(op.responses)) {
      const response = resolveRef<JsonObject>(doc, raw);
      responses[status] = isPlainObject(response) ? (jsonSchemaOf(response) ?? null) : null;
    }
  }
  return {
    method,
    template,
    operationId: typeof op.operationId === "string" ? op.operationId : `${method} ${template}`,
    label: `${method} ${template}`,
    queryParams,
    body,
    responses,
  };
}

/** Path parameters (URI-decoded) when `segments` fit the group's template, else null. */
export function matchSegments(
  group: TemplateGroup,
  segments: string[],
): Record<string, string> | null {
  if (segments.length !== group.segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const want = group.segments[i];
    const got = segments[i];
    if ("literal" in want) {
      if (want.literal !== got) return null;
    } else {
      if (got === "") return null;
      try {
        params[want.param] = decodeURIComponent(got);
      } catch {
        return null;
      }
    }
  }
  return params;
}
