/**
 * HTTP plumbing of the fakes: reading a request (path under the base path, query, body with a size
 * cap), the headers as the log keeps them (credentials stripped), the `Authorization` parser, and
 * writing a reply.
 */
import * as http from "node:http";
import type { LoggedRequest, Reply } from "./fakeTypes";

/** Bodies above this size are refused (413) and recorded as a violation. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** `Authorization: <scheme> <credential>`, or undefined when absent or malformed. */
export function parseAuthorization(
  header: string | undefined,
): { scheme: string; credential: string } | undefined {
  if (!header) return undefined;
  const match = /^\s*(\S+)\s+(\S.*?)\s*$/.exec(header);
  if (!match) return { scheme: header.trim(), credential: "" };
  return { scheme: match[1], credential: match[2] };
}

/** The path relative to `basePath`, or undefined when the request is outside it. */
function stripBase(rawPath: string, basePath: string): string | undefined {
  if (basePath === "") return rawPath;
  if (rawPath === basePath) return "/";
  if (rawPath.startsWith(basePath + "/")) return rawPath.slice(basePath.length);
  return undefined;
}

/** The query string as the log keeps it: one value, or all of them when repeated. */
export function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length === 1 ? all[0] : all;
  }
  return out;
}

/** Request headers as the log keeps them: the credential is stripped. */
export function logHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(", ") : value;
    if (name === "authorization") {
      // Only the scheme is kept (the brief: credentials never enter the log).
      out[name] = parseAuthorization(text)?.scheme ?? "";
    } else if (name === "project-access-token" || name === "cookie") {
      out[name] = "[redacted]";
    } else {
      out[name] = text;
    }
  }
  return out;
}

/** The whole body, or "too-large" past {@link MAX_BODY_BYTES}. */
function readBody(req: http.IncomingMessage): Promise<Buffer | "too-large"> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? "too-large" : Buffer.concat(chunks)));
    // A client that aborts mid-body: resolve with what arrived; the answer goes nowhere.
    req.on("error", () => resolve(Buffer.concat(chunks)));
    req.on("close", () => resolve(Buffer.concat(chunks)));
  });
}

/** A request as read off the socket, before the fake logs and handles it. */
export interface IncomingRequest {
  method: string;
  /** Path exactly as received, without the query string. */
  rawPath: string;
  /** Relative to the base path; undefined when the request is outside it. */
  path: string | undefined;
  query: URLSearchParams;
  /** The body exceeded {@link MAX_BODY_BYTES}; its text is then empty. */
  tooLarge: boolean;
  /** The body as text, "" when there is none. */
  text: string;
}

/** Reads the request line and the whole body; `basePath` is the fake's API prefix. */
export async function readRequest(
  req: http.IncomingMessage,
  basePath: string,
): Promise<IncomingRequest> {
  const method = (req.method ?? "GET").toUpperCase();
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const rawPath = url.pathname;
  const path = stripBase(rawPath, basePath);
  const raw = await readBody(req);
  return {
    method,
    rawPath,
    path,
    query: url.searchParams,
    tooLarge: raw === "too-large",
    text: raw === "too-large" ? "" : raw.toString("utf8"),
  };
}

/**
 * A body as JSON: `value` when it parses; else `parseError`. `logged` is what the request log
 * keeps (the parsed value, or the text when it is not JSON; undefined when empty).
 */
export function parseJsonBody(text: string): {
  value: unknown;
  parseError: boolean;
  logged: unknown;
} {
  if (text.length === 0) return { value: undefined, parseError: false, logged: undefined };
  try {
    const value: unknown = JSON.parse(text);
    return { value, parseError: false, logged: value };
  } catch {
    return { value: undefined, parseError: true, logged: text };
  }
}

/** Reason phrase for an HTTP status (used as the default message of injected faults). */
export function statusText(status: number): string {
  return http.STATUS_CODES[status] ?? `HTTP ${status}`;
}

/** Writes `reply` and records its status; a reply to a dead or answered socket is dropped. */
export function sendReply(res: http.ServerResponse, entry: LoggedRequest, reply: Reply): void {
  entry.status = reply.status;
  if (res.destroyed || res.headersSent) return;
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  let payload: string | undefined;
  if (reply.body !== undefined) {
    if (typeof reply.body === "string") {
      payload = reply.body;
      headers["content-type"] ??= "text/plain; charset=utf-8";
    } else {
      payload = JSON.stringify(reply.body);
      headers["content-type"] ??= "application/json; charset=utf-8";
    }
  }
  if (payload !== undefined) headers["content-length"] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}
