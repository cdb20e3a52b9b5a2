/**
 * The HTTP core: one request (`sendRequest`) against a local server, and the retrying API client
 * (`callApi`) with its waits recorded instead of slept, against the Render fake (any platform's
 * fake would do: the client is shared).
 */
import { randomBytes } from "crypto";
import * as http from "http";
import type { AddressInfo, Socket } from "net";
import {
  ApiRequest,
  callApi,
  httpSettings,
  HttpSettings,
  MAX_BODY_BYTES,
  scrub,
  sendRequest,
} from "../../lib/http";
import { FakeRender } from "@pegasus-secrets/platform-fakes";

const value = (): string => `v${randomBytes(18).toString("hex")}`;
const NOW = Date.UTC(2026, 10, 29, 8, 0, 0);

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
        // Long enough for any answer from the local fake on a loaded machine; a hang waits it out.
        timeoutMs: 1_000,
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
      "Render API: POST /v1/services/srv-none/deploys timed out after 1000 ms; not retried because it is not safe to send twice. It may or may not have taken effect: run `pulumi up` again.",
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

/** A local server on 127.0.0.1 with the answers `sendRequest` must handle; `stop()` ends every socket. */
async function startServer(): Promise<{
  url: string;
  canary: string;
  paths: string[];
  stop(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  const canary = `canary${randomBytes(12).toString("hex")}`;
  const paths: string[] = [];
  const big = (n: number) => Buffer.alloc(n, "x");
  const server = http.createServer((req, res) => {
    const p = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    paths.push(`${req.method} ${p}`);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (p === "/json") {
        res.writeHead(201, { "content-type": "application/json" });
        res.end(JSON.stringify({ ok: true, debug: canary }));
      } else if (p === "/echo") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            method: req.method,
            contentType: req.headers["content-type"] ?? null,
            accept: req.headers.accept ?? null,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      } else if (p === "/text") {
        res.writeHead(503, "Starting Up", { "content-type": "text/plain" });
        res.end(`not yet ${canary}`);
      } else if (p === "/redirect") {
        res.writeHead(302, { location: "/json" });
        res.end();
      } else if (p === "/big") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(big(2 * MAX_BODY_BYTES));
      } else if (p === "/huge") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(big(16 * MAX_BODY_BYTES + 1));
      } else if (p === "/stall-body") {
        // Headers and the start of the body, then nothing: the deadline covers the body too.
        res.writeHead(200, { "content-type": "application/json" });
        res.write(`{"debug": "${canary}`);
      }
      // `/hang`: no answer at all.
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    canary,
    paths,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

describe("sendRequest: one request, bounded in time and in what it reads", () => {
  let srv: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    srv = await startServer();
  });
  afterAll(() => srv.stop());
  beforeEach(() => {
    srv.paths.length = 0;
  });
  const send = (path: string, over: Partial<Parameters<typeof sendRequest>[0]> = {}) =>
    sendRequest({ method: "GET", url: `${srv.url}${path}`, timeoutMs: 2_000, ...over });

  it("answers the status, the reason phrase and the parsed JSON", async () => {
    const r = await send("/json");
    expect(r).toMatchObject({ status: 201, isJson: true, truncated: false, error: null });
    expect(r.json).toEqual({ ok: true, debug: srv.canary });
    expect((await send("/text")).statusText).toBe("Starting Up");
  });

  it("sends a JSON body with its content type, and asks for JSON", async () => {
    const body = JSON.stringify({ name: "probe" });
    const r = await send("/echo", { method: "post", body });
    expect(r.json).toEqual({
      method: "POST",
      contentType: "application/json",
      accept: "application/json",
      body,
    });
  });

  it("keeps a body that is not JSON as text", async () => {
    const r = await send("/text");
    expect(r).toMatchObject({ status: 503, isJson: false, json: undefined });
    expect(r.text).toBe(`not yet ${srv.canary}`);
  });

  it("never follows a redirect unless asked to", async () => {
    const r = await send("/redirect");
    expect(r.status).toBe(302);
    expect(r.headers!.get("location")).toBe("/json");
    expect(srv.paths).toEqual(["GET /redirect"]);
    expect((await send("/redirect", { redirect: "follow" })).status).toBe(201);
  });

  it("reads at most 1 MiB of a body by default, and none when told to discard it", async () => {
    const r = await send("/big");
    expect(r).toMatchObject({ status: 200, truncated: true, isJson: false });
    expect(r.text).toHaveLength(MAX_BODY_BYTES);
    const small = await send("/big", { maxBodyBytes: 10 });
    expect([small.text, small.truncated]).toEqual(["xxxxxxxxxx", true]);
    const discarded = await send("/json", { maxBodyBytes: 0 });
    expect([discarded.status, discarded.text, discarded.truncated]).toEqual([201, "", false]);
  });

  it("gives up at the deadline, while waiting for the answer or for its body, and never shows the body", async () => {
    for (const path of ["/hang", "/stall-body"]) {
      const started = Date.now();
      const r = await send(path, { timeoutMs: 150 });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(r).toMatchObject({
        status: null,
        error: "timed out after 150 ms",
        timedOut: true,
        text: "",
      });
      expect(JSON.stringify(r)).not.toContain(srv.canary);
    }
  });

  it("says why nothing answered when nothing listens", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const { port } = closed.address() as AddressInfo;
    await new Promise((r) => closed.close(r));
    const r = await sendRequest({
      method: "GET",
      url: `http://127.0.0.1:${port}/`,
      timeoutMs: 500,
    });
    expect(r).toMatchObject({ status: null, error: "ECONNREFUSED", timedOut: false });
  });

  it("lets callApi refuse an answer too large to be one it needs, instead of reading half of it", async () => {
    const settings = httpSettings({}, { sleep: async () => undefined });
    await expect(
      callApi({ platform: "Render", method: "GET", url: `${srv.url}/huge`, headers: {} }, settings),
    ).rejects.toThrow(
      `Render API: GET /huge answered with more than ${16 * MAX_BODY_BYTES} bytes, more than any answer it needs.`,
    );
  });
});
