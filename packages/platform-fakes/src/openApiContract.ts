/**
 * Contract checks of the REST fakes against their OpenAPI documents (Render
 * `render-openapi.json`, Fly `fly-machines-openapi.json`): route lookup by method and path
 * template, query parameters, JSON request bodies validated with ajv against
 * `components/schemas`, unknown body properties, and a self-check of the fakes' own 2xx answers.
 *
 * Every message names the operation and the field and never a value: violations end up in test
 * failure output, and the values are secrets.
 *
 * Specs are parsed once per process (module-level caches), so each test file pays the cost once.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { isPlainObject } from "./data";
import {
  buildRoutes,
  matchSegments,
  type ContractOperation,
  type RouteMatch,
  type TemplateGroup,
} from "./openApiRoutes";
import { coerceQueryValue, formatAjvErrors, prepareSchema } from "./openApiSchema";
import {
  OVERLAYS,
  SPECS_DIR,
  SPEC_FILES,
  decodePointer,
  dig,
  type JsonObject,
  type OpenApiSpecName,
} from "./specFiles";

/** `errors` make the request fail with 400; `warnings` are recorded but the request is served. */
export interface CheckResult {
  errors: string[];
  warnings: string[];
}

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
  private readonly groups: TemplateGroup[];
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
    this.groups = buildRoutes(this.doc);
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
}
