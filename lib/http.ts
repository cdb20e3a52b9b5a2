/**
 * The HTTP core: one request with a deadline and a capped body read (`sendRequest`), and on top of
 * it the platform API client (`callApi`): bounded retries with jittered exponential backoff on 429
 * and 5xx that honour the platform's own retry headers (the waits and settings are in
 * `./backoff`), resend only what is safe to send twice, and errors that carry the platform's
 * message but never a credential, a value or a body.
 *
 * The platform providers, the readiness polling (`./readiness`) and the CLI use it. No Pulumi
 * import, nothing from the project and no module state: the dynamic providers are bundled
 * together with what they call from here (DESIGN.md D6), and settings are read from the
 * environment when a provider runs, never when the program is compiled.
 */
import { backoffMs, HttpSettings, requestedWaitMs } from "./backoff";

export { backoffMs, httpSettings, HttpSettings, requestedWaitMs } from "./backoff";

/** The most of a body `sendRequest` reads by default: enough for any answer a caller inspects. */
export const MAX_BODY_BYTES = 1 << 20;

/** One request, sent once. */
export interface SendRequest {
  method: string;
  url: string;
  /** Added to `accept: application/json` (and `content-type: application/json` with a body). */
  headers?: Record<string, string>;
  /** Sent as is (JSON text). */
  body?: string;
  /** Deadline of the whole exchange, the body read included. */
  timeoutMs: number;
  /** `manual` (default): a redirect is the answer, never followed. */
  redirect?: "manual" | "follow";
  /** Most of the body read, in bytes. Default 1 MiB; 0 discards the body unread. */
  maxBodyBytes?: number;
}

/** What one request got. Its `error` never holds any part of a body. */
export interface SendResult {
  /** HTTP status, or null when no complete answer came (see `error`). */
  status: number | null;
  /** The reason phrase the server sent with the status (`Too Many Requests`), or "". */
  statusText: string;
  headers: Headers | null;
  /** The body as text, at most `maxBodyBytes` of it. */
  text: string;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
  isJson: boolean;
  /** True when the body was longer than `maxBodyBytes` (then `text` is cut and `isJson` false). */
  truncated: boolean;
  /** Why no answer came: `timed out after 2000 ms`, `ECONNREFUSED`. Null with a status. */
  error: string | null;
  timedOut: boolean;
}

/** Why a request got no answer, in a few words: the error code, or a timeout. Never a body. */
export function fetchError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === "AbortError" || e?.name === "TimeoutError") {
    return `timed out after ${timeoutMs} ms`;
  }
  return String(e?.cause?.code ?? e?.cause?.message ?? e?.message ?? "request failed").slice(0, 80);
}

/** Reads at most `max` bytes of a body, then stops the transfer; reports whether more came. */
async function readCapped(
  res: Response,
  max: number,
): Promise<{ text: string; truncated: boolean }> {
  if (!res.body) return { text: "", truncated: false };
  if (max <= 0) {
    await res.body.cancel().catch(() => undefined);
    return { text: "", truncated: false };
  }
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Bounded: each read adds at least one byte, and reading stops past `max`.
  while (size <= max) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  const truncated = size > max;
  if (truncated) await reader.cancel().catch(() => undefined);
  return { text: Buffer.concat(chunks).subarray(0, max).toString("utf8"), truncated };
}

/**
 * Sends one request and reads its answer within `timeoutMs` (`AbortSignal.timeout` covers the
 * body read too). Never throws for a network problem: a missing answer is `status: null` with the
 * reason in `error`.
 */
export async function sendRequest(req: SendRequest): Promise<SendResult> {
  const none = { text: "", json: undefined, isJson: false, truncated: false };
  try {
    const res = await fetch(req.url, {
      method: req.method.toUpperCase(),
      headers: {
        accept: "application/json",
        ...(req.body === undefined ? {} : { "content-type": "application/json" }),
        ...req.headers,
      },
      body: req.body,
      redirect: req.redirect ?? "manual",
      signal: AbortSignal.timeout(req.timeoutMs),
    });
    const { text, truncated } = await readCapped(res, req.maxBodyBytes ?? MAX_BODY_BYTES);
    let json: unknown = undefined;
    let isJson = false;
    if (text.length > 0 && !truncated) {
      try {
        json = JSON.parse(text);
        isJson = true;
      } catch {
        isJson = false;
      }
    }
    const result = { text, json, isJson, truncated };
    const answer = { status: res.status, statusText: res.statusText, headers: res.headers };
    return { ...answer, ...result, error: null, timedOut: false };
  } catch (err) {
    const error = fetchError(err, req.timeoutMs);
    const timedOut = error.startsWith("timed out");
    return { status: null, statusText: "", headers: null, ...none, error, timedOut };
  }
}

/** One API call. */
export interface ApiRequest {
  /** `Render`, `Fly.io`, `Railway`: the start of every error message. */
  platform: string;
  method: string;
  /** Base URL + path. Only its path appears in errors. */
  url: string;
  /** Includes the credential; never copied into an error. */
  headers: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** Names the call in errors instead of the method and path (GraphQL operations). */
  label?: string;
  /**
   * Whether sending the request twice is harmless, so a timeout or a dropped connection may be
   * retried. Default: true for GET, PUT and DELETE, false for POST.
   */
  idempotent?: boolean;
  /** Strings that must never appear in an error: the credential and every value sent. */
  redact?: string[];
  /** Environment variable of the credential, named in 401/403 errors. */
  credentialEnv?: string;
  /** Statuses returned to the caller instead of thrown (404 for "already gone"). */
  allow?: number[];
}

/** A completed call. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, the raw text when not JSON, or undefined when empty. */
  body: unknown;
}

/** What an API error carries besides its message (value-free). */
export interface ApiErrorInfo {
  platform: string;
  status?: number;
  /** True when the platform refused the credential. */
  unauthorized?: boolean;
}

/** Errors thrown by `callApi`: a plain `Error` with value-free fields attached. */
export type ApiError = Error & ApiErrorInfo;

/** Builds an `ApiError`, scrubbing every redacted string from the message. */
export function apiError(message: string, info: ApiErrorInfo, redact: string[] = []): ApiError {
  return Object.assign(new Error(scrub(message, redact)), info);
}

/** Replaces every occurrence of each redacted string (longest first) with `[secret]`. */
export function scrub(text: string, redact: string[]): string {
  let out = text;
  const needles = redact.filter((r) => typeof r === "string" && r.length >= 4);
  needles.sort((a, b) => b.length - a.length);
  for (const needle of needles) out = out.split(needle).join("[secret]");
  return out;
}

/** The message a platform put in its error body: Render `message`, Fly `error`, GraphQL `errors`. */
export function platformMessage(body: unknown): string | undefined {
  if (typeof body === "string") return body.trim().slice(0, 300) || undefined;
  if (!body || typeof body !== "object") return undefined;
  const b = body as Record<string, unknown>;
  if (Array.isArray(b.errors)) {
    const messages = b.errors
      .map((e) => (e && typeof e === "object" ? (e as { message?: unknown }).message : undefined))
      .filter((m): m is string => typeof m === "string");
    if (messages.length > 0) return messages.join("; ").slice(0, 300);
  }
  for (const field of ["message", "error"]) {
    if (typeof b[field] === "string") return (b[field] as string).slice(0, 300);
  }
  return undefined;
}

const RETRYABLE_STATUS = (status: number) => status === 429 || status >= 500;

/** The largest API answer `callApi` reads; a longer one fails instead of being half-read. */
const MAX_API_BODY_BYTES = 16 * MAX_BODY_BYTES;

/**
 * Sends one request with bounded retries. Returns the response for 2xx and `allow`ed statuses;
 * otherwise throws an `ApiError` naming the platform, the call, the status and the platform's
 * message, scrubbed of `redact`.
 */
export async function callApi(req: ApiRequest, s: HttpSettings): Promise<ApiResponse> {
  const method = req.method.toUpperCase();
  const idempotent = req.idempotent ?? method !== "POST";
  const what = req.label ?? `${method} ${new URL(req.url).pathname}`;
  const redact = req.redact ?? [];
  const fail = (message: string, info: Partial<ApiErrorInfo> = {}): never => {
    throw apiError(
      `${req.platform} API: ${what} ${message}`,
      { platform: req.platform, ...info },
      redact,
    );
  };
  let lastProblem = "";
  for (let attempt = 1; attempt <= s.attempts; attempt++) {
    const r = await sendRequest({
      method,
      url: req.url,
      headers: req.headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      timeoutMs: s.timeoutMs,
      // The platform APIs answer at their own URLs; a redirect to a proxy or a new host is followed.
      redirect: "follow",
      maxBodyBytes: MAX_API_BODY_BYTES,
    });

    if (r.status === null || !r.headers) {
      lastProblem = r.timedOut ? (r.error ?? "timed out") : `failed to connect (${r.error})`;
      if (!idempotent) {
        fail(
          `${lastProblem}; not retried because it is not safe to send twice. It may or may not have taken effect: run \`pulumi up\` again.`,
        );
      }
    } else if (r.truncated) {
      fail(`answered with more than ${MAX_API_BODY_BYTES} bytes, more than any answer it needs.`, {
        status: r.status,
      });
    } else {
      const body = r.isJson ? r.json : r.text.length > 0 ? r.text : undefined;
      if ((r.status >= 200 && r.status < 300) || (req.allow ?? []).includes(r.status)) {
        return { status: r.status, headers: r.headers, body };
      }
      const message = platformMessage(body) ?? r.statusText;
      if (!RETRYABLE_STATUS(r.status)) {
        const unauthorized = r.status === 401 || r.status === 403;
        const hint =
          unauthorized && req.credentialEnv
            ? ` Check ${req.credentialEnv}: it must be a valid token with access to this resource.`
            : "";
        fail(`answered HTTP ${r.status}: ${message}.${hint}`, {
          status: r.status,
          unauthorized,
        });
      }
      lastProblem = `answered HTTP ${r.status}: ${message}`;
      const asked = requestedWaitMs(r.headers, s.now());
      if (asked !== undefined && asked > s.maxRetryAfterMs) {
        fail(
          `${lastProblem}; the platform asks to wait ${Math.ceil(asked / 1000)} s, longer than this run waits (${Math.ceil(s.maxRetryAfterMs / 1000)} s). Run \`pulumi up\` again later.`,
          { status: r.status },
        );
      }
      if (attempt < s.attempts) {
        const wait =
          asked !== undefined
            ? asked + Math.floor(s.random() * s.baseDelayMs)
            : backoffMs(attempt, s);
        await s.sleep(wait * s.delayScale);
        continue;
      }
      fail(`${lastProblem} (gave up after ${s.attempts} attempts).`, { status: r.status });
    }
    if (attempt < s.attempts) await s.sleep(backoffMs(attempt, s) * s.delayScale);
  }
  return fail(`${lastProblem} (gave up after ${s.attempts} attempts).`);
}
