/**
 * The retrying HTTP client every provider uses, with its waits recorded instead of slept, against
 * the Render fake (any platform's fake would do: the client is shared).
 */
import {
  ApiRequest,
  backoffMs,
  callApi,
  httpSettings,
  HttpSettings,
  requestedWaitMs,
  scrub,
} from "../../lib/http";
import { FakeRender } from "@pegasus-secrets/platform-fakes";
import { value } from "./kit";

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

describe("callApi", () => {
  const fake = new FakeRender();
  let slept: number[];
  let settings: HttpSettings;
  const get = (extra: Partial<ApiRequest> = {}): ApiRequest => ({
    platform: "Render",
    method: "GET",
    url: `${fake.url}/owners/${fake.ownerId}`,
    headers: { authorization: `Bearer ${fake.token}` },
    credentialEnv: "RENDER_API_KEY",
    ...extra,
  });
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.clearLog();
    fake.clearFaults();
    slept = [];
    settings = httpSettings(
      {},
      {
        timeoutMs: 200,
        baseDelayMs: 100,
        maxDelayMs: 1_000,
        random: () => 0.5,
        now: () => NOW,
        sleep: async (ms) => void slept.push(ms),
      },
    );
  });

  it("waits exactly what Render's Ratelimit-Reset asks (plus jitter) before retrying a 429", async () => {
    fake.failNext({ status: 429, headers: { "Ratelimit-Reset": "45" } });
    const res = await callApi(get(), settings);
    expect(res.status).toBe(200);
    expect(slept).toEqual([45_000 + 50]);
    expect(fake.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it("fails at once, saying when to come back, when the platform asks for a longer wait than a run allows", async () => {
    fake.failNext({ status: 429, headers: { "Retry-After": "120" } });
    await expect(callApi(get(), settings)).rejects.toThrow(
      "Render API: GET /v1/owners/" +
        fake.ownerId +
        " answered HTTP 429: Too Many Requests; the platform asks to wait 120 s, longer than this run waits (60 s). Run `pulumi up` again later.",
    );
    expect(slept).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it("retries 5xx with jittered exponential backoff and gives up after the attempts", async () => {
    fake.failNext({ status: 503, times: 10 });
    await expect(callApi(get(), settings)).rejects.toThrow(
      /answered HTTP 503: Service Unavailable \(gave up after 4 attempts\)\.$/,
    );
    expect(slept).toEqual([50, 100, 200]);
    expect(fake.requests).toHaveLength(4);
  });

  it("retries a hung idempotent request after the timeout", async () => {
    fake.hangNext();
    const res = await callApi(get(), settings);
    expect(res.status).toBe(200);
    expect(fake.requests).toHaveLength(2);
  });

  it("never resends a hung POST: it may have taken effect", async () => {
    fake.hangNext();
    const req = get({
      method: "POST",
      url: `${fake.url}/services/srv-none/deploys`,
      body: { clearCache: "do_not_clear" },
    });
    await expect(callApi(req, settings)).rejects.toThrow(
      "Render API: POST /v1/services/srv-none/deploys timed out after 200 ms; not retried because it is not safe to send twice. It may or may not have taken effect: run `pulumi up` again.",
    );
    expect(fake.requests).toHaveLength(1);
  });

  it("turns a 4xx into the platform's message, scrubbed of the credential and every value sent", async () => {
    const secret = value();
    fake.failNext({
      status: 400,
      body: { id: "bad_request", message: `cannot use ${secret} with ${fake.token}` },
    });
    const err = (await callApi(get({ redact: [secret, fake.token] }), settings).catch(
      (e) => e,
    )) as Error & { status: number };
    expect(err.message).toBe(
      `Render API: GET /v1/owners/${fake.ownerId} answered HTTP 400: cannot use [secret] with [secret].`,
    );
    expect(err.status).toBe(400);
    expect(slept).toEqual([]);
  });

  it("says which variable holds the refused credential", async () => {
    const err = (await callApi(
      get({ headers: { authorization: "Bearer not-the-token" } }),
      settings,
    ).catch((e) => e)) as Error & { unauthorized: boolean };
    expect(err.message).toBe(
      `Render API: GET /v1/owners/${fake.ownerId} answered HTTP 401: Unauthorized. Check RENDER_API_KEY: it must be a valid token with access to this resource.`,
    );
    expect(err.unauthorized).toBe(true);
  });

  it("returns allowed statuses instead of throwing", async () => {
    const res = await callApi(
      get({ url: `${fake.url}/env-groups/evg-missing`, allow: [404] }),
      settings,
    );
    expect(res.status).toBe(404);
  });

  it("scrubs longer needles first and ignores ones too short to be secrets", () => {
    expect(scrub("abcdefgh abcd", ["abcd", "abcdefgh"])).toBe("[secret] [secret]");
    expect(scrub("abc b", ["abc"])).toBe("abc b");
  });
});
