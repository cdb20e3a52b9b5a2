/**
 * How long the HTTP core waits, and how often it tries: its settings (read from the environment
 * when a provider runs), full-jitter exponential backoff, and the waits platforms ask for in their
 * rate-limit headers. No Pulumi import, nothing from the project, no module state: bundled into
 * the providers with `./http`.
 */

/** How requests are timed and retried. `httpSettings()` reads it from the environment. */
export interface HttpSettings {
  /** Tries per request, the first included. Default 4. */
  attempts: number;
  /** Deadline of one try, response body included. Default 30 000 ms. */
  timeoutMs: number;
  /** First backoff step; doubled per retry. Default 500 ms. */
  baseDelayMs: number;
  /** Cap of one backoff wait. Default 5 000 ms. */
  maxDelayMs: number;
  /**
   * Longest wait a platform may ask for (`Retry-After`, `Ratelimit-Reset`). A longer one fails at
   * once with a message saying when to run again, instead of holding `pulumi up`. Default 60 000 ms.
   */
  maxRetryAfterMs: number;
  /** Multiplies every wait (tests shrink real seconds to milliseconds). Default 1. */
  delayScale: number;
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter. */
  random: () => number;
  /** Epoch milliseconds, for HTTP dates and epoch reset headers. */
  now: () => number;
}

const num = (raw: string | undefined, fallback: number, min: number): number => {
  const n = raw === undefined || raw === "" ? NaN : Number(raw);
  return Number.isFinite(n) && n >= min ? n : fallback;
};

/**
 * Settings from the environment: `PEGASUS_HTTP_ATTEMPTS`, `PEGASUS_HTTP_TIMEOUT_MS`,
 * `PEGASUS_HTTP_RETRY_BASE_MS`, `PEGASUS_HTTP_RETRY_MAX_MS`, `PEGASUS_HTTP_RETRY_AFTER_MAX_MS`,
 * `PEGASUS_HTTP_DELAY_SCALE`; anything unset or malformed keeps its default.
 */
export function httpSettings(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<HttpSettings> = {},
): HttpSettings {
  return {
    attempts: Math.min(10, Math.floor(num(env.PEGASUS_HTTP_ATTEMPTS, 4, 1))),
    timeoutMs: num(env.PEGASUS_HTTP_TIMEOUT_MS, 30_000, 1),
    baseDelayMs: num(env.PEGASUS_HTTP_RETRY_BASE_MS, 500, 0),
    maxDelayMs: num(env.PEGASUS_HTTP_RETRY_MAX_MS, 5_000, 0),
    maxRetryAfterMs: num(env.PEGASUS_HTTP_RETRY_AFTER_MAX_MS, 60_000, 0),
    delayScale: num(env.PEGASUS_HTTP_DELAY_SCALE, 1, 0),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
    now: Date.now,
    ...overrides,
  };
}

/**
 * The wait a 429/503 answer asks for, in ms, or undefined when it names none. Reads `Retry-After`
 * (seconds or an HTTP date; Fly and Railway), and Render's `Ratelimit-Reset`, whose unit is
 * UNCONFIRMED (specs/PLATFORM_APIS.md §1: documented as epoch seconds, exemplified as `45`): a
 * value above one billion is taken as epoch seconds, anything smaller as seconds from now.
 * Railway's `X-RateLimit-Reset` is only read when no `Retry-After` came with it.
 */
export function requestedWaitMs(headers: Headers, now: number): number | undefined {
  const retryAfter = headers.get("retry-after");
  if (retryAfter !== null && retryAfter.trim() !== "") {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  for (const name of ["ratelimit-reset", "x-ratelimit-reset"]) {
    const raw = headers.get(name);
    if (raw === null || raw.trim() === "") continue;
    const n = Number(raw);
    if (!Number.isFinite(n)) continue;
    return Math.max(0, n > 1e9 ? n * 1000 - now : n * 1000);
  }
  return undefined;
}

/** Full-jitter exponential backoff for retry number `retry` (1-based). */
export function backoffMs(retry: number, s: HttpSettings): number {
  const ceiling = Math.min(s.maxDelayMs, s.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(s.random() * ceiling);
}
