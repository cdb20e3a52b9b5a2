/**
 * Polling a service's readiness endpoint, shared by `pegasus-secrets verify` and the readiness gate
 * that `pulumi up` runs between production services.
 *
 * Each attempt is one `sendRequest` of the HTTP core (`./http`): a deadline, no redirect followed,
 * the body discarded unread. Nothing here imports the project or the SDK, and nothing keeps module
 * state: the gate's dynamic provider is bundled with it and must carry no secret.
 */
import { fetchError, sendRequest } from "./http";

/** Why a request got no answer (re-exported for the CLI's smoke steps). */
export { fetchError };

/** How to poll one endpoint. Every bound is explicit: nothing here can loop or wait forever. */
export interface ReadinessOptions {
  /** The readiness URL; an answer in 200-299 means ready. Redirects are not followed. */
  url: string;
  /** Give up after this long. */
  timeoutMs: number;
  /** Pause between attempts. */
  intervalMs: number;
  /** Bound on one request. */
  requestTimeoutMs: number;
  /** Consecutive ready answers needed; more than one rides out an instance that answers once, then restarts. */
  successes: number;
  /** Told after each attempt that did not finish the wait (for progress while polling). */
  onAttempt?: (a: {
    attempt: number;
    status: number | null;
    error: string | null;
    elapsedMs: number;
  }) => void;
}

/** What polling saw. Never a response body. */
export interface ReadinessResult {
  ready: boolean;
  attempts: number;
  elapsedMs: number;
  /** HTTP status of the last answer, or null if the last attempt got none. */
  lastStatus: number | null;
  /** Why the last attempt got no answer (`timed out after 2000 ms`, `ECONNREFUSED`). */
  lastError: string | null;
}

/** Scheme, host and path of a URL: a query string or user-info could carry a token, so neither is shown. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

/** One bounded request. The body is discarded unread. */
async function probe(
  url: string,
  requestTimeoutMs: number,
): Promise<{ status: number | null; error: string | null }> {
  const r = await sendRequest({
    method: "GET",
    url,
    headers: { accept: "application/json, text/plain;q=0.9" },
    timeoutMs: requestTimeoutMs,
    redirect: "manual",
    maxBodyBytes: 0,
  });
  return { status: r.status, error: r.error };
}

/**
 * Polls until `successes` consecutive 2xx answers or until `timeoutMs` has passed. Each request is
 * cut at `requestTimeoutMs` (or at the deadline, if sooner), so a slow endpoint cannot stretch it.
 */
export async function waitUntilReady(o: ReadinessOptions): Promise<ReadinessResult> {
  const start = Date.now();
  const deadline = start + o.timeoutMs;
  const maxAttempts = Math.ceil(o.timeoutMs / Math.max(o.intervalMs, 1)) + o.successes + 1;
  let attempts = 0;
  let streak = 0;
  let lastStatus: number | null = null;
  let lastError: string | null = null;
  for (;;) {
    const remaining = deadline - Date.now();
    // An attempt squeezed into the last few milliseconds could only time out and hide the last real answer.
    if (attempts > 0 && remaining < Math.min(o.requestTimeoutMs, 50)) {
      return { ready: false, attempts, elapsedMs: Date.now() - start, lastStatus, lastError };
    }
    attempts++;
    const budget = Math.max(1, Math.min(o.requestTimeoutMs, remaining));
    const r = await probe(o.url, budget);
    lastStatus = r.status;
    lastError = r.error;
    streak = r.status !== null && r.status >= 200 && r.status < 300 ? streak + 1 : 0;
    if (streak >= o.successes) {
      return { ready: true, attempts, elapsedMs: Date.now() - start, lastStatus, lastError };
    }
    if (Date.now() + o.intervalMs >= deadline || attempts >= maxAttempts) {
      return { ready: false, attempts, elapsedMs: Date.now() - start, lastStatus, lastError };
    }
    o.onAttempt?.({
      attempt: attempts,
      status: r.status,
      error: r.error,
      elapsedMs: Date.now() - start,
    });
    await new Promise((resolve) => setTimeout(resolve, o.intervalMs));
  }
}

/** One line about a result: `HTTP 200 after 3 attempts (1.2 s)` or `not ready after 60.0 s: last answer HTTP 503`. */
export function describeReadiness(r: ReadinessResult): string {
  const last = r.lastStatus !== null ? `HTTP ${r.lastStatus}` : (r.lastError ?? "no answer");
  const took = `${(r.elapsedMs / 1000).toFixed(1)} s`;
  const tries = `${r.attempts} attempt${r.attempts === 1 ? "" : "s"}`;
  return r.ready
    ? `ready: ${last} after ${tries} (${took})`
    : `not ready after ${took} (${tries}): last answer ${last}`;
}
