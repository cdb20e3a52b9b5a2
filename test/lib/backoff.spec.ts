/** The waits of the HTTP core: settings from the environment, backoff, and the waits platforms ask for. */
import { backoffMs, httpSettings, requestedWaitMs } from "../../lib/backoff";

const NOW = Date.UTC(2026, 10, 29, 8, 0, 0);

describe("requestedWaitMs", () => {
  const h = (headers: Record<string, string>) => new Headers(headers);
  it.each([
    ["Retry-After in seconds (Fly, Railway)", { "Retry-After": "7" }, 7_000],
    [
      "Retry-After as an HTTP date",
      { "Retry-After": new Date(NOW + 12_000).toUTCString() },
      12_000,
    ],
    [
      "Render Ratelimit-Reset as seconds remaining (the doc's example)",
      { "Ratelimit-Reset": "45" },
      45_000,
    ],
    [
      "Render Ratelimit-Reset as epoch seconds (the doc's wording)",
      { "Ratelimit-Reset": String(NOW / 1000 + 30) },
      30_000,
    ],
    ["an epoch already past", { "Ratelimit-Reset": String(NOW / 1000 - 30) }, 0],
    [
      "Railway X-RateLimit-Reset (epoch) when no Retry-After came",
      { "X-RateLimit-Reset": String(NOW / 1000 + 3) },
      3_000,
    ],
    [
      "Retry-After wins over the reset headers",
      { "Retry-After": "2", "Ratelimit-Reset": "45" },
      2_000,
    ],
  ])("reads %s", (_what, headers, expected) => {
    expect(requestedWaitMs(h(headers), NOW)).toBe(expected);
  });
  it("returns undefined when no header names a wait", () => {
    expect(requestedWaitMs(h({ "Retry-After": "soon" }), NOW)).toBeUndefined();
    expect(requestedWaitMs(h({}), NOW)).toBeUndefined();
  });
});

describe("httpSettings", () => {
  it("reads the environment and keeps defaults for what is unset or malformed", () => {
    const s = httpSettings({ PEGASUS_HTTP_TIMEOUT_MS: "250", PEGASUS_HTTP_ATTEMPTS: "nope" });
    expect(s).toMatchObject({ timeoutMs: 250, attempts: 4, baseDelayMs: 500, maxDelayMs: 5_000 });
    expect(httpSettings({ PEGASUS_HTTP_ATTEMPTS: "1000" }).attempts).toBe(10);
  });
  it("backs off exponentially with full jitter, capped", () => {
    const s = httpSettings({}, { random: () => 0.999999, baseDelayMs: 100, maxDelayMs: 350 });
    expect([1, 2, 3, 4].map((n) => backoffMs(n, s))).toEqual([99, 199, 349, 349]);
    expect(backoffMs(3, { ...s, random: () => 0 })).toBe(0);
  });
});
