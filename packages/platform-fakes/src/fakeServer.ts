/**
 * Base of the local fake platform servers (Render, Fly.io, Railway) that the provider tests run
 * against: a server bound to 127.0.0.1 on an ephemeral port, the request log, contract violations,
 * fault injection (fail / hang) and the token check. Platform behaviour lives in the subclasses;
 * spec validation in the contract modules (openApiContract.ts, graphqlContract.ts).
 *
 * Nothing here starts a timer: a hung request is only answered by `stop()`, which destroys every
 * socket, so a forgotten hang can never keep Jest alive.
 */
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { randomHex } from "./data";
import type {
  AuthResult,
  FailSpec,
  FakeServerOptions,
  HangSpec,
  LoggedRequest,
  Reply,
  RequestContext,
} from "./fakeTypes";
import { FaultQueue } from "./faults";
import {
  MAX_BODY_BYTES,
  logHeaders,
  parseAuthorization,
  parseJsonBody,
  queryRecord,
  readRequest,
  sendReply,
  statusText,
} from "./httpPlumbing";

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
  private readonly faults = new FaultQueue();
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
    this.faults.clear();
    await closed;
  }

  /** The next matching request(s) get this answer instead of being handled. Chainable. */
  failNext(spec: FailSpec): this {
    this.faults.fail(spec);
    return this;
  }

  /** The next matching request(s) are accepted and never answered until `stop()`. Chainable. */
  hangNext(spec: HangSpec = {}): this {
    this.faults.hang(spec);
    return this;
  }

  /** Drops faults not yet consumed. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** Faults registered but not yet consumed. */
  get pendingFaults(): number {
    return this.faults.size;
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
    const { method, rawPath, path, query, tooLarge, text } = await readRequest(req, this.basePath);
    const body = parseJsonBody(text);
    const entry: LoggedRequest = {
      seq: this.requests.length + 1,
      method,
      path: path ?? rawPath,
      rawPath,
      query: queryRecord(query),
      headers: logHeaders(req.headers),
      authorized: false,
      body: body.logged,
      operations: [],
      violations: [],
    };
    this.requests.push(entry);

    const ctx: RequestContext = {
      method,
      rawPath,
      path,
      query,
      headers: req.headers,
      body: body.value,
      bodyPresent: text.length > 0,
      bodyParseError: body.parseError,
      entry,
      operationNames: [],
      auth: { ok: false },
    };
    if (tooLarge) {
      this.violate(ctx, `${method} ${rawPath}: body exceeds ${MAX_BODY_BYTES} bytes`);
      return sendReply(res, entry, this.errorReply(413, "request body too large"));
    }

    let reply: Reply;
    try {
      const state = this.identify(ctx);
      entry.operations = [...ctx.operationNames];
      const fault = this.faults.take(ctx);
      if (fault?.kind === "hang") {
        entry.fault = { kind: "hang" };
        return; // never answered: stop() destroys the socket
      }
      if (fault?.fail) {
        entry.fault = { kind: "fail", status: fault.fail.status };
        return sendReply(res, entry, this.faultReply(fault.fail));
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
    sendReply(res, entry, reply);
  }

  private faultReply(spec: FailSpec): Reply {
    const base = this.errorReply(spec.status, statusText(spec.status));
    return {
      status: spec.status,
      headers: spec.headers ?? this.defaultFaultHeaders(spec.status),
      body: spec.body === undefined ? base.body : spec.body,
    };
  }
}
