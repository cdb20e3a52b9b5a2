/**
 * Replies of the Render fake: the error shape (components/schemas/error), 200 answers, values
 * Render generates, cursor paging of the wrapper lists, and the 404 of a missing group or service.
 */
import { isPlainObject, randomHex } from "./data";
import type { Reply } from "./fakeTypes";
import type { OperationCall } from "./openApiFake";
import type { EnvGroup, RenderState, Service } from "./renderState";

/** A 200 answer. */
export function ok(body: unknown): Reply {
  return { status: 200, body };
}

/** Render's error answer: components/schemas/error, `{id, message}`. */
export function renderError(status: number, message: string): Reply {
  return { status, body: { id: errorId(status), message } };
}

/** `{value}` → value; `{generateValue: true}` → a generated value (Render generates it). */
export function resolveValue(input: unknown): string | undefined {
  if (!isPlainObject(input)) return undefined;
  if (typeof input.value === "string") return input.value;
  if (input.generateValue === true) return randomHex(16);
  return undefined;
}

/** The keys of a map, sorted (the order of the wrapper lists). */
export function sortedKeys(map: Map<string, string>): string[] {
  return [...map.keys()].sort();
}

/** The opaque cursor of an item of a wrapper list. */
export function encodeCursor(key: string): string {
  return Buffer.from(key, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(cursor)) return undefined;
  return Buffer.from(cursor, "base64url").toString("utf8");
}

/**
 * A page of a cursor-wrapped list. Items are ordered by key (unless `sort` is false) and the
 * cursor is opaque; a page is the `limit` items after the cursor's item.
 */
export function page(
  c: OperationCall,
  keys: string[],
  wrap: (key: string) => Record<string, unknown>,
  sort = true,
): Reply {
  const ordered = sort ? [...keys].sort() : keys;
  let start = 0;
  const cursor = c.query.cursor;
  if (typeof cursor === "string") {
    const key = decodeCursor(cursor);
    if (key === undefined) return renderError(400, "invalid cursor");
    const index = ordered.indexOf(key);
    start = index >= 0 ? index + 1 : sort ? ordered.filter((k) => k <= key).length : -1;
    if (start < 0) return renderError(400, "invalid cursor");
  }
  const limit = typeof c.query.limit === "number" ? c.query.limit : 20;
  return ok(
    ordered.slice(start, start + limit).map((key) => ({ cursor: encodeCursor(key), ...wrap(key) })),
  );
}

/** Runs `fn` on the group of the path, or answers 404. */
export function withGroup(
  state: RenderState,
  c: OperationCall,
  fn: (group: EnvGroup) => Reply,
): Reply {
  const group = state.groups.get(c.params.envGroupId);
  return group ? fn(group) : renderError(404, "env group not found");
}

/** Runs `fn` on the service of the path, or answers 404. */
export function withService(
  state: RenderState,
  c: OperationCall,
  fn: (service: Service) => Reply,
): Reply {
  const service = state.services.get(c.params.serviceId);
  return service ? fn(service) : renderError(404, "service not found");
}

function errorId(status: number): string {
  const ids: Record<number, string> = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    406: "not_acceptable",
    409: "conflict",
    410: "gone",
    413: "payload_too_large",
    429: "rate_limited",
    500: "internal_error",
    501: "not_implemented",
    503: "service_unavailable",
  };
  return ids[status] ?? `http_${status}`;
}
