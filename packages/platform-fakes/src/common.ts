/**
 * Base of the local fake platform servers (Render, Fly.io, Railway) that the provider tests run
 * against. It owns the HTTP plumbing that every fake shares: a server bound to 127.0.0.1 on an
 * ephemeral port, a request log with the credential stripped, fault injection (fail / hang) and the
 * token check. Platform behaviour lives in the subclasses; spec validation lives in `contract.ts`.
 *
 * Nothing here starts a timer: a hung request is only answered by `stop()`, which destroys every
 * socket, so a forgotten hang can never keep Jest alive.
 */
import * as http from "node:http";
import { randomBytes } from "node:crypto";
import type { AddressInfo, Socket } from "node:net";

/** Which requests a fault applies to. Every field given must match; none given matches all. */
export interface FaultMatch {
  /** HTTP method, case-insensitive. */
  method?: string;
  /** Tested against the path relative to the base path (`/env-groups/x`) and the raw path. */
  path?: RegExp;
  /**
   * OpenAPI `operationId` (`update-env-group-env-var`, `Secrets_update`) for the REST fakes; the
   * GraphQL operation name (`VariableCollectionUpsert`) or a root field (`variableUpsert`) for
   * Railway.
   */
  operation?: string;
}

/** An injected error answer, e.g. `{status: 429, headers: {"Retry-After": "1"}}`. */
export interface FailSpec {
  status: number;
  /**
   * Response headers. When omitted, the fake adds its platform's usual headers for the status (the
   * rate-limit headers on 429). Pass `{}` to send none.
   */
  headers?: Record<string, string>;
  /** JSON-serialised unless a string. Default: the platform's error body for the status. */
  body?: unknown;
  /** How many matching requests get this answer (default 1; `Infinity` for all). */
  times?: number;
  match?: FaultMatch;
}

/** An injected hang: the request is accepted and never answered until `stop()`. */
export interface HangSpec {
  /** How many matching requests hang (default 1; `Infinity` for all). */
  times?: number;
  match?: FaultMatch;
}

/** One request as the fake saw it. Credentials never enter the log. */
export interface LoggedRequest {
  /** 1-based arrival order. */
  seq: number;
  method: string;
  /** Path relative to the fake's base path (`/env-groups/evg-1`), or the raw path if outside it. */
  path: string;
  /** Path exactly as received, without the query string. */
  rawPath: string;
  query: Record<string, string | string[]>;
  /**
   * Lower-cased request headers. `authorization` keeps only its scheme (`Bearer`, `FlyV1`) and
   * `project-access-token` is replaced by `[redacted]`.
   */
  headers: Record<string, string>;
  /** Whether the credential was accepted (false also when the fake never got that far). */
  authorized: boolean;
  /** Parsed JSON body, the raw text if not JSON, or undefined when empty. Test memory only. */
  body: unknown;
  /** OpenAPI path template the request matched (REST fakes). */
  route?: string;
  /** OpenAPI operationId, or the GraphQL operation name / first root field. */
  operation?: string;
  /** Every name `match.operation` and `countOperation` compare to (GraphQL: name + root fields). */
  operations: string[];
  /** Injected fault that answered this request. */
  fault?: { kind: "fail" | "hang"; status?: number };
  /** Status answered; undefined while hung. */
  status?: number;
  /** Contract violations recorded for this request (also in the fake's `violations`). */
  violations: string[];
}

/** A reply a handler wants sent. A string body is sent as text, anything else as JSON. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** What the credential check decided. */
export interface AuthResult {
  ok: boolean;
  /** Scheme seen (`Bearer`, `FlyV1`, `Project-Access-Token`), for the log. */
  scheme?: string;
  /** Platform-specific reason, used to pick the error message. */
  reason?: string;
  /** Platform-specific scope (Railway project tokens). */
  scope?: unknown;
}

/** Everything a fake knows about the request being handled. */
export interface RequestContext {
  readonly method: string;
  readonly rawPath: string;
  /** Relative to the base path; undefined when the request is outside it. */
  readonly path: string | undefined;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  /** Parsed JSON body (undefined when empty or unparsable). */
  readonly body: unknown;
  readonly bodyPresent: boolean;
  readonly bodyParseError: boolean;
  readonly entry: LoggedRequest;
  /** Names a fault's `match.operation` is compared to; set by `identify`. */
  operationNames: string[];
  auth: AuthResult;
}

/** Options every fake accepts. */
export interface FakeServerOptions {
  /** The token the fake accepts; a random hex token is generated when omitted (see `token`). */
  token?: string;
  /**
   * Check the fake's own JSON answers against the spec and record a violation when they do not
   * match (default true). It guards the fakes against drifting from the contract.
   */
  checkResponses?: boolean;
}

interface PendingFault {
  kind: "fail" | "hang";
  remaining: number;
  match: FaultMatch;
  fail?: FailSpec;
}

const MAX_BODY_BYTES = 1024 * 1024;

/** Generates a random hex string: test tokens and ids never are literals. */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

/** Structured clone for plain JSON data, so callers never share state with the fake. */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** A plain JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Base class of the fakes. `S` is what `identify` learns about a request (the matched route, the
 * parsed GraphQL document) and hands to `dispatch`.
 *
 * The pipeline of one request: read body → `identify` → injected fault → token check → `dispatch`.
 */
export abstract class FakeServer<S> {
  /** Accepted token. Generated when not given, so tests never carry credential literals. */
  readonly token: string;
  /** Every request received, in order. */
  readonly requests: LoggedRequest[] = [];
  /** Contract violations, precise and value-free. Provider tests assert this stays empty. */
  readonly violations: string[] = [];

  protected readonly checkResponses: boolean;
  /** Path prefix of the API (`/v1`); requests outside it are contract violations. */
  protected abstract readonly basePath: string;
  /** Appended to `http://127.0.0.1:<port>` to make the URL that `start()` returns. */
  protected abstract readonly urlPath: string;
  /** Platform name used in violation messages. */
  protected abstract readonly platform: string;

  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly faults: PendingFault[] = [];
  private origin: string | undefined;
  private lastTick = 0;

  constructor(options: FakeServerOptions = {}) {
    this.token = options.token ?? randomHex(24);
    this.checkResponses = options.checkResponses ?? true;
  }

  /** Base URL of the running fake (what `start()` returned). Throws before `start()`. */
  get url(): string {
    if (this.origin === undefined) throw new Error(`${this.platform} fake is not started`);
    return this.origin + this.urlPath;
  }

  /**
   * Listens on 127.0.0.1, port 0 (the OS picks a free one). Resolves with the base URL, e.g.
   * `http://127.0.0.1:41234/v1`, which replaces the platform's public base URL.
   */
  async start(): Promise<string> {
    if (this.server) return this.url;
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch(() => {
        // handle() answers its own errors; this only guards against a write on a dead socket.
        if (!res.headersSent && !res.destroyed) res.destroy();
      });
    });
    server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    this.origin = `http://127.0.0.1:${address.port}`;
    return this.url;
  }

  /** Closes the server and destroys every open socket (hung requests included). Idempotent. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.faults.length = 0;
    await closed;
  }

  /** The next matching request(s) get this answer instead of being handled. Chainable. */
  failNext(spec: FailSpec): this {
    this.faults.push({
      kind: "fail",
      remaining: spec.times ?? 1,
      match: spec.match ?? {},
      fail: spec,
    });
    return this;
  }

  /** The next matching request(s) are accepted and never answered until `stop()`. Chainable. */
  hangNext(spec: HangSpec = {}): this {
    this.faults.push({ kind: "hang", remaining: spec.times ?? 1, match: spec.match ?? {} });
    return this;
  }

  /** Drops faults not yet consumed. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Faults registered but not yet consumed. */
  get pendingFaults(): number {
    return this.faults.length;
  }

  /**
   * Requests with this method (`*` for any) whose path matches. A string equals either the OpenAPI
   * template (`/env-groups/{envGroupId}`) or the relative path; a RegExp is tested on both paths.
   */
  requestsTo(method: string, pathPattern?: string | RegExp): LoggedRequest[] {
    const wanted = method.toUpperCase();
    return this.requests.filter((r) => {
      if (wanted !== "*" && r.method !== wanted) return false;
      if (pathPattern === undefined) return true;
      if (typeof pathPattern === "string") return r.route === pathPattern || r.path === pathPattern;
      return pathPattern.test(r.path) || pathPattern.test(r.rawPath);
    });
  }

  /** Number of requests `requestsTo(method, pathPattern)` returns. */
  count(method: string, pathPattern?: string | RegExp): number {
    return this.requestsTo(method, pathPattern).length;
  }

  /**
   * Requests for an operation: an OpenAPI operationId (`Secrets_update`), a GraphQL operation name
   * (`VariableCollectionUpsert`) or a GraphQL root field (`variableCollectionUpsert`).
   */
  countOperation(name: string): number {
    return this.requests.filter((r) => r.operations.includes(name)).length;
  }

  /** Empties the request log and the violations (state is kept). */
  clearLog(): void {
    this.requests.length = 0;
    this.violations.length = 0;
  }

  /** Strictly increasing ISO timestamps, so `updated_at` comparisons in drift tests hold. */
  protected now(): string {
    this.lastTick = Math.max(Date.now(), this.lastTick + 1);
    return new Date(this.lastTick).toISOString();
  }

  /** Records a contract violation on the fake and on the request. */
  protected violate(ctx: RequestContext, message: string): void {
    this.violations.push(message);
    ctx.entry.violations.push(message);
  }

  /** Learns what the request is (route, operation) before faults and auth are applied. */
  protected abstract identify(ctx: RequestContext): S;
  /** Handles an authorised request that no fault intercepted. */
  protected abstract dispatch(ctx: RequestContext, state: S): Promise<Reply> | Reply;
  /** The platform's error answer for a status. */
  protected abstract errorReply(status: number, message: string): Reply;

  /** Headers a 429 (or other injected status) carries when the test gives none. */
  protected defaultFaultHeaders(_status: number): Record<string, string> {
    return {};
  }

  /** The platform's answer to a missing or wrong credential. */
  protected unauthorizedReply(_ctx: RequestContext): Reply {
    return this.errorReply(401, "Unauthorized");
  }

  /** Schemes of `Authorization` the platform accepts with `token`. */
  protected authSchemes(): string[] {
    return ["Bearer"];
  }

  /** Default check: `Authorization: <scheme> <token>` with an accepted scheme. */
  protected authenticate(ctx: RequestContext): AuthResult {
    const parsed = parseAuthorization(ctx.headers.authorization);
    if (!parsed) return { ok: false, reason: "missing" };
    const schemeOk = this.authSchemes().some(
      (s) => s.toLowerCase() === parsed.scheme.toLowerCase(),
    );
    return { ok: schemeOk && parsed.credential === this.token, scheme: parsed.scheme };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const rawPath = url.pathname;
    const path = stripBase(rawPath, this.basePath);
    const raw = await readBody(req);
    const entry: LoggedRequest = {
      seq: this.requests.length + 1,
      method,
      path: path ?? rawPath,
      rawPath,
      query: queryRecord(url.searchParams),
      headers: logHeaders(req.headers),
      authorized: false,
      body: undefined,
      operations: [],
      violations: [],
    };
    this.requests.push(entry);

    let body: unknown;
    let bodyParseError = false;
    const text = raw === "too-large" ? "" : raw.toString("utf8");
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
        entry.body = body;
      } catch {
        bodyParseError = true;
        entry.body = text;
      }
    }
    const ctx: RequestContext = {
      method,
      rawPath,
      path,
      query: url.searchParams,
      headers: req.headers,
      body,
      bodyPresent: text.length > 0,
      bodyParseError,
      entry,
      operationNames: [],
      auth: { ok: false },
    };
    if (raw === "too-large") {
      this.violate(ctx, `${method} ${rawPath}: body exceeds ${MAX_BODY_BYTES} bytes`);
      return this.send(res, entry, this.errorReply(413, "request body too large"));
    }

    let reply: Reply;
    try {
      const state = this.identify(ctx);
      entry.operations = [...ctx.operationNames];
      const fault = this.takeFault(ctx);
      if (fault?.kind === "hang") {
        entry.fault = { kind: "hang" };
        return; // never answered: stop() destroys the socket
      }
      if (fault?.fail) {
        entry.fault = { kind: "fail", status: fault.fail.status };
        return this.send(res, entry, this.faultReply(fault.fail));
      }
      ctx.auth = this.authenticate(ctx);
      entry.authorized = ctx.auth.ok;
      reply = ctx.auth.ok ? await this.dispatch(ctx, state) : this.unauthorizedReply(ctx);
    } catch (err) {
      // A crash is a bug of the fake; the message names the code path, never a value.
      const message = err instanceof Error ? err.message : String(err);
      this.violate(ctx, `${method} ${rawPath}: the ${this.platform} fake failed: ${message}`);
      reply = this.errorReply(500, "internal error in the fake");
    }
    this.send(res, entry, reply);
  }

  private faultReply(spec: FailSpec): Reply {
    const base = this.errorReply(spec.status, statusText(spec.status));
    return {
      status: spec.status,
      headers: spec.headers ?? this.defaultFaultHeaders(spec.status),
      body: spec.body === undefined ? base.body : spec.body,
    };
  }

  private takeFault(ctx: RequestContext): PendingFault | undefined {
    for (let i = 0; i < this.faults.length; i++) {
      const fault = this.faults[i];
      if (!faultMatches(fault.match, ctx)) continue;
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.faults.splice(i, 1);
      return fault;
    }
    return undefined;
  }

  private send(res: http.ServerResponse, entry: LoggedRequest, reply: Reply): void {
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
}

function faultMatches(match: FaultMatch, ctx: RequestContext): boolean {
  if (match.method && match.method.toUpperCase() !== ctx.method) return false;
  if (match.path) {
    const relative = ctx.path ?? ctx.rawPath;
    if (!match.path.test(relative) && !match.path.test(ctx.rawPath)) return false;
  }
  if (match.operation && !ctx.operationNames.includes(match.operation)) return false;
  return true;
}

/** `Authorization: <scheme> <credential>`, or undefined when absent or malformed. */
export function parseAuthorization(
  header: string | undefined,
): { scheme: string; credential: string } | undefined {
  if (!header) return undefined;
  const match = /^\s*(\S+)\s+(\S.*?)\s*$/.exec(header);
  if (!match) return { scheme: header.trim(), credential: "" };
  return { scheme: match[1], credential: match[2] };
}

function stripBase(rawPath: string, basePath: string): string | undefined {
  if (basePath === "") return rawPath;
  if (rawPath === basePath) return "/";
  if (rawPath.startsWith(basePath + "/")) return rawPath.slice(basePath.length);
  return undefined;
}

function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length === 1 ? all[0] : all;
  }
  return out;
}

function logHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
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

/** Reason phrase for an HTTP status (used as the default message of injected faults). */
export function statusText(status: number): string {
  return http.STATUS_CODES[status] ?? `HTTP ${status}`;
}
