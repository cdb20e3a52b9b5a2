/**
 * Contract checks of the fakes, built on the specs in `specs/` (see specs/PLATFORM_APIS.md):
 *
 * - OpenAPI (Render `render-openapi.json`, Fly `fly-machines-openapi.json`): route lookup by method
 *   and path template, query parameters, JSON request bodies validated with ajv against
 *   `components/schemas` (OpenAPI 3.0 `nullable` rewritten to JSON Schema), unknown body
 *   properties,
 *   and a self-check of the fakes' own 2xx answers.
 * - GraphQL (Railway `railway-schema.json`): parse, `validate` against the introspected schema and
 *   coerce the variables against the operation's variable definitions.
 *
 * Every message names the operation and the field and never a value: violations end up in test
 * failure output, and the values are secrets.
 *
 * Specs are parsed once per process (module-level caches), so each test file pays the cost once.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import {
  GraphQLError,
  GraphQLScalarType,
  Kind,
  buildClientSchema,
  coerceInputValue,
  getOperationAST,
  isInputType,
  isNonNullType,
  parse,
  typeFromAST,
  validate,
  valueFromASTUntyped,
  type DocumentNode,
  type GraphQLSchema,
  type IntrospectionQuery,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { isPlainObject } from "./data";
import { FakeServer } from "./fakeServer";
import type { FakeServerOptions, Reply, RequestContext } from "./fakeTypes";

/** The published contracts live at the repository root (`specs/`), beside the docs that cite them. */
const SPECS_DIR = path.resolve(__dirname, "..", "..", "..", "specs");

type JsonObject = Record<string, unknown>;

/** The OpenAPI documents the REST fakes follow. */
export type OpenApiSpecName = "render" | "fly";

const SPEC_FILES: Record<OpenApiSpecName, string> = {
  render: "render-openapi.json",
  fly: "fly-machines-openapi.json",
};

/**
 * Documented deviations from the spec files, applied before anything is compiled. Each follows a
 * statement of specs/PLATFORM_APIS.md that the spec file contradicts.
 */
const OVERLAYS: Record<OpenApiSpecName, (doc: JsonObject) => void> = {
  render: () => undefined,
  fly: (doc) => {
    // PLATFORM_APIS.md §2 "null unsets": fly-go sends map[string]*string, so a JSON null unsets a
    // secret, although components/schemas/AppSecretsUpdateRequest types the values as strings.
    const values = dig(doc, ["components", "schemas", "AppSecretsUpdateRequest", "properties"]);
    if (isPlainObject(values) && isPlainObject(values.values)) {
      values.values.additionalProperties = { type: "string", nullable: true };
    }
  },
};

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

/** `errors` make the request fail with 400; `warnings` are recorded but the request is served. */
export interface CheckResult {
  errors: string[];
  warnings: string[];
}

interface TemplateGroup {
  template: string;
  segments: Array<{ literal: string } | { param: string }>;
  literalCount: number;
  operations: Map<string, ContractOperation>;
}

const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];

const contractCache = new Map<OpenApiSpecName, OpenApiContract>();

/**
 * One OpenAPI document, compiled for request checks. Get it with `OpenApiContract.load(name)`
 * (cached per process).
 */
export class OpenApiContract {
  /** The spec file name, used in messages. */
  readonly file: string;
  private readonly doc: JsonObject;
  private readonly schemaId: string;
  private readonly ajv: Ajv;
  private readonly groups: TemplateGroup[] = [];
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly components: JsonObject;

  /** The contract of `specs/<file>`, parsed and compiled once per process. */
  static load(name: OpenApiSpecName): OpenApiContract {
    let contract = contractCache.get(name);
    if (!contract) {
      contract = new OpenApiContract(name);
      contractCache.set(name, contract);
    }
    return contract;
  }

  private constructor(name: OpenApiSpecName) {
    this.file = SPEC_FILES[name];
    this.doc = JSON.parse(fs.readFileSync(path.join(SPECS_DIR, this.file), "utf8")) as JsonObject;
    OVERLAYS[name](this.doc);
    this.schemaId = `urn:pegasus-fakes:${name}`;
    // strict:false because OpenAPI schemas carry keywords JSON Schema does not know (example,
    // x-*, discriminator); logger:false keeps ajv's warnings out of the test output.
    this.ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    addFormats(this.ajv);
    const schemas = dig(this.doc, ["components", "schemas"]);
    this.components = prepareSchema(isPlainObject(schemas) ? schemas : {}, undefined) as JsonObject;
    this.ajv.addSchema({ $id: this.schemaId, components: { schemas: this.components } });
    this.buildRoutes();
  }

  /** Every operation of the document. */
  operations(): ContractOperation[] {
    return this.groups.flatMap((g) => [...g.operations.values()]);
  }

  /** Resolves a method and a path relative to the base path (`/env-groups/x`). */
  match(method: string, relativePath: string): RouteMatch {
    const segments = relativePath.split("/").slice(1);
    let unknownMethod: RouteMatch | undefined;
    for (const group of this.groups) {
      const params = matchSegments(group, segments);
      if (!params) continue;
      const operation = group.operations.get(method.toUpperCase());
      if (operation) return { kind: "operation", operation, params };
      unknownMethod ??= {
        kind: "unknown-method",
        template: group.template,
        allowed: [...group.operations.keys()],
      };
    }
    return unknownMethod ?? { kind: "unknown-path" };
  }

  /**
   * Checks the query string: required parameters, the schema of each one given (after the
   * OpenAPI form-style coercion) and parameters the spec does not define (warnings).
   * Returns the coerced values too.
   */
  checkQuery(
    op: ContractOperation,
    query: URLSearchParams,
  ): CheckResult & { values: Record<string, unknown> } {
    const result: CheckResult & { values: Record<string, unknown> } = {
      errors: [],
      warnings: [],
      values: {},
    };
    const known = new Set(op.queryParams.map((p) => p.name));
    for (const name of new Set(query.keys())) {
      if (!known.has(name)) result.warnings.push(`query parameter '${name}' is not in the spec`);
    }
    for (const param of op.queryParams) {
      const raw = query.getAll(param.name);
      if (raw.length === 0) {
        if (param.required) result.errors.push(`query parameter '${param.name}' is required`);
        continue;
      }
      const value = coerceQueryValue(raw, param);
      result.values[param.name] = value;
      if (!param.schema) continue;
      const validator = this.validator(`${op.label} query ${param.name}`, param.schema);
      if (!validator(value)) {
        result.errors.push(...formatAjvErrors(`query parameter '${param.name}'`, validator.errors));
      }
    }
    return result;
  }

  /** Checks a request body against the operation's `requestBody` (JSON only). */
  checkBody(
    op: ContractOperation,
    body: { present: boolean; value: unknown; parseError: boolean; contentType?: string },
  ): CheckResult {
    const result: CheckResult = { errors: [], warnings: [] };
    if (!op.body) {
      if (body.present) result.warnings.push("body sent, but the operation takes none");
      return result;
    }
    if (!body.present) {
      if (op.body.required) result.errors.push("body is required");
      return result;
    }
    if (!body.contentType || !/\bjson\b/i.test(body.contentType)) {
      result.warnings.push("content-type must be application/json");
    }
    if (body.parseError) {
      result.errors.push("body is not valid JSON");
      return result;
    }
    if (!op.body.schema) return result;
    const validator = this.validator(`${op.label} body`, op.body.schema);
    if (!validator(body.value)) {
      result.errors.push(...formatAjvErrors("body", validator.errors));
      return result;
    }
    this.unknownProperties(op.body.schema, body.value, "body", result.warnings, 0);
    return result;
  }

  /**
   * Checks a JSON answer against the operation's declared response (self-check of the fakes).
   * 2xx statuses must be declared; error statuses share the platform error shape and are skipped.
   */
  checkResponse(op: ContractOperation, status: number, body: unknown): string[] {
    const key = String(status);
    if (!(key in op.responses)) {
      return status < 400 ? [`status ${status} is not declared by the spec`] : [];
    }
    const schema = op.responses[key];
    if (!schema || body === undefined || typeof body === "string") return [];
    const validator = this.validator(`${op.label} response ${key}`, schema);
    return validator(body) ? [] : formatAjvErrors("response body", validator.errors);
  }

  private validator(key: string, schema: JsonObject): ValidateFunction {
    let fn = this.validators.get(key);
    if (!fn) {
      fn = this.ajv.compile(prepareSchema(schema, this.schemaId) as JsonObject);
      this.validators.set(key, fn);
    }
    return fn;
  }

  /**
   * Properties the schema does not declare. The specs leave `additionalProperties` open, so the
   * real APIs would silently ignore them (e.g. `envVars` on `PATCH /env-groups/{envGroupId}`, which
   * only renames); flagging them catches requests that cannot do what their author meant.
   */
  private unknownProperties(
    schema: unknown,
    data: unknown,
    where: string,
    out: string[],
    depth: number,
  ): void {
    if (depth > 24) return;
    const branches = this.flatten(schema, 0);
    if (Array.isArray(data)) {
      const items = branches.map((b) => b.items).find(isPlainObject);
      if (items)
        data.forEach((d, i) => this.unknownProperties(items, d, `${where}/${i}`, out, depth + 1));
      return;
    }
    if (!isPlainObject(data)) return;
    const declared = new Map<string, unknown>();
    let open = false;
    let additional: JsonObject | undefined;
    for (const branch of branches) {
      if (isPlainObject(branch.properties)) {
        for (const [name, sub] of Object.entries(branch.properties)) {
          if (!declared.has(name)) declared.set(name, sub);
        }
      }
      if (branch.additionalProperties === true) open = true;
      else if (isPlainObject(branch.additionalProperties)) additional = branch.additionalProperties;
    }
    if (declared.size === 0 && !additional) return; // free-form object
    for (const [name, value] of Object.entries(data)) {
      const sub = declared.get(name) ?? additional;
      if (sub !== undefined) this.unknownProperties(sub, value, `${where}/${name}`, out, depth + 1);
      else if (!open) out.push(`${where} has property '${name}' that the spec does not define`);
    }
  }

  /** The schema and every allOf/oneOf/anyOf member, `$ref`s resolved. */
  private flatten(schema: unknown, depth: number): JsonObject[] {
    const resolved = this.deref(schema);
    if (!resolved || depth > 12) return [];
    const out = [resolved];
    for (const key of ["allOf", "oneOf", "anyOf"]) {
      const members = resolved[key];
      if (Array.isArray(members)) {
        for (const m of members) out.push(...this.flatten(m, depth + 1));
      }
    }
    return out;
  }

  private deref(schema: unknown): JsonObject | undefined {
    let current = schema;
    for (let i = 0; i < 16 && isPlainObject(current) && typeof current.$ref === "string"; i++) {
      const ref = current.$ref;
      const name = /^(?:[^#]*)#\/components\/schemas\/(.+)$/.exec(ref)?.[1];
      current = name === undefined ? undefined : this.components[decodePointer(name)];
    }
    return isPlainObject(current) ? current : undefined;
  }

  private resolveRef<T>(value: unknown): T | undefined {
    let current = value;
    for (let i = 0; i < 16 && isPlainObject(current) && typeof current.$ref === "string"; i++) {
      const ref = current.$ref;
      if (!ref.startsWith("#/")) return undefined;
      current = dig(this.doc, ref.slice(2).split("/").map(decodePointer));
    }
    return current as T | undefined;
  }

  private buildRoutes(): void {
    const paths = this.doc.paths;
    if (!isPlainObject(paths)) return;
    for (const [template, rawItem] of Object.entries(paths)) {
      const item = this.resolveRef<JsonObject>(rawItem);
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
        group.operations.set(upper, this.buildOperation(upper, template, op, pathParams));
      }
      this.groups.push(group);
    }
    // A literal segment beats a parameter: `/services/{id}/restart` before `/services/{id}/{x}`.
    this.groups.sort((a, b) => b.literalCount - a.literalCount);
  }

  private buildOperation(
    method: string,
    template: string,
    op: JsonObject,
    pathParams: unknown[],
  ): ContractOperation {
    const params = new Map<string, JsonObject>();
    for (const raw of [...pathParams, ...(Array.isArray(op.parameters) ? op.parameters : [])]) {
      const p = this.resolveRef<JsonObject>(raw);
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
    const requestBody = this.resolveRef<JsonObject>(op.requestBody);
    if (isPlainObject(requestBody)) {
      body = { required: requestBody.required === true, schema: jsonSchemaOf(requestBody) };
    }
    const responses: Record<string, JsonObject | null> = {};
    if (isPlainObject(op.responses)) {
      for (const [status, raw] of Object.entries(op.responses)) {
        const response = this.resolveRef<JsonObject>(raw);
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
}

function jsonSchemaOf(holder: JsonObject): JsonObject | undefined {
  const content = holder.content;
  if (!isPlainObject(content)) return undefined;
  for (const [type, media] of Object.entries(content)) {
    if (/json/i.test(type) && isPlainObject(media) && isPlainObject(media.schema)) {
      return media.schema;
    }
  }
  return undefined;
}

function matchSegments(group: TemplateGroup, segments: string[]): Record<string, string> | null {
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

/** OpenAPI form-style query values to JSON: arrays, integers, numbers and booleans. */
function coerceQueryValue(raw: string[], param: QueryParamDef): unknown {
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
function prepareSchema(node: unknown, refBase: string | undefined): unknown {
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
function formatAjvErrors(where: string, errors: ErrorObject[] | null | undefined): string[] {
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

function dig(root: unknown, keys: string[]): unknown {
  let current = root;
  for (const key of keys) {
    if (!isPlainObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

function decodePointer(part: string): string {
  return part.replace(/~1/g, "/").replace(/~0/g, "~");
}

// ------------------------------------------------------------------------------------------------
// REST fakes: the OpenAPI pipeline shared by Render and Fly.

/** What a REST fake's handler receives. */
export interface OperationCall {
  readonly ctx: RequestContext;
  readonly operation: ContractOperation;
  /** Path parameters, URI-decoded. */
  readonly params: Record<string, string>;
  /** Query parameters the spec defines, coerced (`limit` is a number, `name` a string[]). */
  readonly query: Record<string, unknown>;
  readonly body: unknown;
}

/** A REST fake's handler of one operationId. */
export type OperationHandler = (call: OperationCall) => Reply;

/**
 * A fake whose routes come from an OpenAPI document. Unknown routes answer 404, invalid query or
 * body 400, both with a violation; spec operations the fake has no handler for answer 501 with a
 * violation ("not implemented in the fake").
 */
export abstract class OpenApiFakeServer extends FakeServer<RouteMatch | undefined> {
  protected abstract readonly contract: OpenApiContract;
  /** Handlers keyed by OpenAPI operationId. */
  protected abstract readonly handlers: Record<string, OperationHandler>;

  constructor(options: FakeServerOptions = {}) {
    super(options);
  }

  protected identify(ctx: RequestContext): RouteMatch | undefined {
    if (ctx.path === undefined) return undefined;
    const match = this.contract.match(ctx.method, ctx.path);
    if (match.kind === "operation") {
      ctx.entry.route = match.operation.template;
      ctx.entry.operation = match.operation.operationId;
      ctx.operationNames = [match.operation.operationId];
    } else if (match.kind === "unknown-method") {
      ctx.entry.route = match.template;
    }
    return match;
  }

  protected dispatch(ctx: RequestContext, match: RouteMatch | undefined): Reply {
    if (match === undefined) {
      this.violate(ctx, `${ctx.method} ${ctx.rawPath}: outside the base path ${this.basePath}`);
      return this.errorReply(404, "not found");
    }
    if (match.kind === "unknown-path") {
      this.violate(ctx, `${ctx.method} ${ctx.path}: no such path in ${this.contract.file}`);
      return this.errorReply(404, "not found");
    }
    if (match.kind === "unknown-method") {
      this.violate(
        ctx,
        `${ctx.method} ${match.template}: method not in ${this.contract.file} ` +
          `(allowed: ${match.allowed.join(", ")})`,
      );
      return this.errorReply(404, "not found");
    }
    const op = match.operation;
    const query = this.contract.checkQuery(op, ctx.query);
    const body = this.contract.checkBody(op, {
      present: ctx.bodyPresent,
      value: ctx.body,
      parseError: ctx.bodyParseError,
      contentType: ctx.headers["content-type"],
    });
    const warnings = [...query.warnings, ...body.warnings];
    if (warnings.length > 0) this.violate(ctx, `${op.label}: ${warnings.join("; ")}`);
    const errors = [...query.errors, ...body.errors];
    if (errors.length > 0) {
      this.violate(ctx, `${op.label}: ${errors.join("; ")}`);
      return this.errorReply(400, errors.join("; "));
    }
    const handler = this.handlers[op.operationId];
    if (!handler) {
      this.violate(ctx, `${op.label}: ${op.operationId} is not implemented in the fake`);
      return this.errorReply(501, `${op.operationId} is not implemented in the fake`);
    }
    const reply = handler({
      ctx,
      operation: op,
      params: match.params,
      query: query.values,
      body: ctx.body,
    });
    if (this.checkResponses) {
      const problems = this.contract.checkResponse(op, reply.status, reply.body);
      if (problems.length > 0) {
        this.violate(ctx, `${op.label}: the fake's answer breaks the spec: ${problems.join("; ")}`);
      }
    }
    return reply;
  }
}

// ------------------------------------------------------------------------------------------------
// GraphQL (Railway).

let railwaySchemaCache: GraphQLSchema | undefined;

/**
 * The Railway schema from `specs/railway-schema.json` (introspection JSON), built once per process.
 * The custom scalar `EnvironmentVariables` ("a map of environment variables") is tightened to a
 * JSON object of string values; introspection carries no scalar rules, so without this any JSON
 * would pass.
 */
export function railwaySchema(): GraphQLSchema {
  if (railwaySchemaCache) return railwaySchemaCache;
  const json = JSON.parse(fs.readFileSync(path.join(SPECS_DIR, "railway-schema.json"), "utf8")) as {
    data: IntrospectionQuery;
  };
  const schema = buildClientSchema(json.data);
  const envVars = schema.getType("EnvironmentVariables");
  if (envVars instanceof GraphQLScalarType) {
    envVars.parseValue = (value) => checkEnvironmentVariables(value);
    envVars.parseLiteral = (ast, variables) =>
      checkEnvironmentVariables(valueFromASTUntyped(ast, variables));
  }
  railwaySchemaCache = schema;
  return schema;
}

function checkEnvironmentVariables(value: unknown): Record<string, string> {
  if (!isPlainObject(value)) {
    throw new GraphQLError("EnvironmentVariables must be an object of names to string values");
  }
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== "string") {
      const kind = v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
      throw new GraphQLError(
        `EnvironmentVariables value of "${name}" must be a string, not ${kind}`,
      );
    }
  }
  return value as Record<string, string>;
}

/** A GraphQL request body, parsed but not yet validated. */
export interface ParsedGraphQLRequest {
  /** Problems with the request shape or the syntax (value-free). */
  errors: string[];
  document?: DocumentNode;
  operation?: OperationDefinitionNode;
  /** The operation's name, if it has one. */
  operationName?: string;
  /** Root fields the operation selects (`variableUpsert`), fragments expanded. */
  rootFields: string[];
  /** `variables` as sent. */
  variables: Record<string, unknown>;
}

/** Parses `{query, variables?, operationName?}`; never throws. */
export function parseGraphQLRequest(body: unknown): ParsedGraphQLRequest {
  const out: ParsedGraphQLRequest = { errors: [], rootFields: [], variables: {} };
  if (!isPlainObject(body)) {
    out.errors.push("request body must be a JSON object with a 'query' string");
    return out;
  }
  if (typeof body.query !== "string") {
    out.errors.push("request body must have a 'query' string");
    return out;
  }
  if (body.variables !== undefined && body.variables !== null && !isPlainObject(body.variables)) {
    out.errors.push("'variables' must be an object");
    return out;
  }
  if (isPlainObject(body.variables)) out.variables = body.variables;
  const operationName = body.operationName;
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string") {
    out.errors.push("'operationName' must be a string");
    return out;
  }
  try {
    out.document = parse(body.query);
  } catch (err) {
    out.errors.push(redactGraphQLMessage(err));
    return out;
  }
  const operation = getOperationAST(out.document, operationName ?? undefined);
  if (!operation) {
    out.errors.push(
      operationName
        ? `Unknown operation named "${operationName}".`
        : "Must provide operation name if query contains multiple operations.",
    );
    return out;
  }
  out.operation = operation;
  out.operationName = operation.name?.value;
  out.rootFields = rootFieldsOf(out.document, operation.selectionSet, 0);
  return out;
}

/**
 * Validates a parsed request against the schema and coerces its variables against the operation's
 * variable definitions (the same rules as `getVariableValues`, with value-free messages). Returns
 * the errors and the coerced variables.
 */
export function validateGraphQLRequest(
  schema: GraphQLSchema,
  parsed: ParsedGraphQLRequest,
): { errors: string[]; variables: Record<string, unknown> } {
  if (parsed.errors.length > 0 || !parsed.document || !parsed.operation) {
    return { errors: [...parsed.errors], variables: {} };
  }
  const errors = validate(schema, parsed.document).map(redactGraphQLMessage);
  if (errors.length > 0) return { errors, variables: {} };
  const variables: Record<string, unknown> = {};
  for (const def of parsed.operation.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    const type = typeFromAST(schema, def.type);
    if (!type || !isInputType(type)) {
      errors.push(`Variable "$${name}" expected value of a non-input type.`);
      continue;
    }
    if (!Object.prototype.hasOwnProperty.call(parsed.variables, name)) {
      if (def.defaultValue) continue; // graphql-js applies the default itself
      if (isNonNullType(type)) {
        errors.push(`Variable "$${name}" of required type "${String(type)}" was not provided.`);
      }
      continue;
    }
    const value = parsed.variables[name];
    if (value === null && isNonNullType(type)) {
      errors.push(`Variable "$${name}" of non-null type "${String(type)}" must not be null.`);
      continue;
    }
    variables[name] = coerceInputValue(value, type, (pathParts, _invalid, error) => {
      const at = pathParts.length > 0 ? ` at "${name}${printPath(pathParts)}"` : "";
      errors.push(`Variable "$${name}" got invalid value${at}; ${redactGraphQLMessage(error)}`);
    });
  }
  return { errors, variables };
}

function printPath(parts: ReadonlyArray<string | number>): string {
  return parts.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("");
}

/**
 * graphql-js messages quote the offending value ("String cannot represent a non string value: …",
 * "Expected value of type "String!", found …"); the values are secrets, so those parts go.
 */
function redactGraphQLMessage(err: unknown): string {
  if (!(err instanceof Error)) return "invalid GraphQL request";
  let message = err.message;
  if (message.startsWith("Syntax Error:")) {
    const where = err instanceof GraphQLError && err.locations?.[0];
    message = message.replace(/"[\s\S]*"/, '"…"');
    return where ? `${message} (line ${where.line}, column ${where.column})` : message;
  }
  const expected = /^Expected value of type "[^"]*"/.exec(message);
  if (expected) {
    const original = err instanceof GraphQLError ? err.originalError : undefined;
    message = original ? `${expected[0]}; ${original.message}` : `${expected[0]}.`;
  }
  return message
    .replace(/(cannot represent[^:]*): [\s\S]*$/, "$1.")
    .replace(/Value "[\s\S]*?" does not exist/, "Value does not exist")
    .replace(/, found [\s\S]*$/, ".");
}

function rootFieldsOf(doc: DocumentNode, set: SelectionSetNode, depth: number): string[] {
  if (depth > 8) return [];
  const out: string[] = [];
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      out.push(selection.name.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      out.push(...rootFieldsOf(doc, selection.selectionSet, depth + 1));
    } else {
      const fragment = doc.definitions.find(
        (d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value,
      );
      if (fragment && fragment.kind === Kind.FRAGMENT_DEFINITION) {
        out.push(...rootFieldsOf(doc, fragment.selectionSet, depth + 1));
      }
    }
  }
  return out;
}
