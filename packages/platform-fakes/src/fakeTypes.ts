/**
 * What tests and fakes exchange: fault injection specs, the request log, replies, the credential
 * check's result, the context of a request being handled, and the options every fake accepts.
 */
import type * as http from "node:http";

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
