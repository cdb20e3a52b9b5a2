/**
 * Contract checks of the Railway fake against its GraphQL schema (`specs/railway-schema.json`,
 * introspection JSON): a request is parsed, validated against the schema, and its variables are
 * coerced against the operation's variable definitions.
 *
 * Every message names the operation and the field and never a value: violations end up in test
 * failure output, and the values are secrets. The schema is built once per process.
 */
import * as fs from "node:fs";
import * as path from "node:path";
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
import { SPECS_DIR } from "./specFiles";

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
