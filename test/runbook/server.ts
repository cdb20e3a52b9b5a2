import { randomBytes } from "crypto";
import * as http from "http";
import type { AddressInfo, Socket } from "net";

/**
 * A local stand-in for the API and worker on 127.0.0.1: readiness endpoints that are ready, never
 * ready, slow or flaky, and a small ingest -> generate job API for the smoke flow. Every answer body
 * carries `canary`, so a test can prove that no body reaches the CLI's output or the log.
 *
 * `stop()` destroys every socket and clears every timer, so nothing outlives the test.
 */
export interface LocalService {
  url: string;
  /** The bearer token the job API accepts (random per server). */
  token: string;
  /** A random string in every response body. */
  canary: string;
  /** Requests seen: method and path (no headers, no bodies). */
  requests: string[];
  /** How many times each job must be polled before it is done; `fail` makes it fail instead. */
  jobs: Record<string, { polls: number; fail?: boolean }>;
  /** Jobs whose ID matches fail instead of finishing (`/^ing-/`: every ingest job). */
  failJobs: RegExp | null;
  /** Flaky endpoints answer 503 this many times, then 200. */
  flakyFailures: number;
  /** The slow endpoint answers after this many ms. */
  slowMs: number;
  /** Forgets requests, per-path counters and jobs (between tests). */
  reset(): void;
  stop(): Promise<void>;
}

export async function startLocalService(): Promise<LocalService> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const counts = new Map<string, number>();
  const svc: Omit<LocalService, "url" | "stop" | "reset"> = {
    token: randomBytes(16).toString("hex"),
    canary: `canary${randomBytes(12).toString("hex")}`,
    requests: [],
    jobs: {},
    failJobs: null,
    flakyFailures: 2,
    slowMs: 5_000,
  };
  const send = (res: http.ServerResponse, status: number, body: Record<string, unknown>) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ ...body, debug: svc.canary }));
  };
  let jobSeq = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const p = url.pathname;
    svc.requests.push(`${req.method} ${p}`);
    const n = (counts.get(p) ?? 0) + 1;
    counts.set(p, n);
    req.resume();
    if (p.endsWith("/ready")) return send(res, 200, { status: "ready" });
    if (p.endsWith("/never")) return send(res, 503, { status: "starting" });
    if (p.endsWith("/flaky")) {
      return n <= svc.flakyFailures
        ? send(res, 503, { status: "starting" })
        : send(res, 200, { status: "ready" });
    }
    if (p.endsWith("/slow")) {
      const t = setTimeout(() => {
        timers.delete(t);
        send(res, 200, { status: "ready" });
      }, svc.slowMs);
      timers.add(t);
      return undefined;
    }
    if (req.headers.authorization !== `Bearer ${svc.token}`)
      return send(res, 401, { error: "unauthorized" });
    if (req.method === "POST" && (p === "/v1/ingest" || p === "/v1/generate")) {
      const id = `${p.endsWith("ingest") ? "ing" : "gen"}-${++jobSeq}`;
      svc.jobs[id] ??= { polls: 2, fail: svc.failJobs?.test(id) ?? false };
      return send(res, 202, { jobId: id });
    }
    const job = /^\/v1\/jobs\/([a-z0-9-]+)$/.exec(p)?.[1];
    if (req.method === "GET" && job && svc.jobs[job]) {
      const j = svc.jobs[job];
      if (n <= j.polls) return send(res, 200, { status: "running" });
      return j.fail
        ? send(res, 200, { status: "failed" })
        : send(res, 200, { status: "done", result: { words: 12 } });
    }
    return send(res, 404, { error: "not found" });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(svc, {
    url: `http://127.0.0.1:${port}`,
    reset: () => {
      svc.requests.length = 0;
      svc.jobs = {};
      svc.failJobs = null;
      counts.clear();
    },
    stop: async () => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/** A `verify` config against a local service, with short timeouts so tests stay fast. */
export function verifyConfig(
  svc: LocalService,
  ready: Record<string, string> = { api: "/api/ready", worker: "/worker/ready" },
  smoke = true,
): Record<string, unknown> {
  // A fresh object per step, so the YAML written for the test has no anchors.
  const auth = () => ({ Authorization: "Bearer ${env:PEGASUS_SMOKE_TOKEN}" });
  return {
    ready: Object.fromEntries(Object.entries(ready).map(([k, v]) => [k, `${svc.url}${v}`])),
    // Generous per request (a loaded CI machine); a never-ready service still fails within 1 s.
    requestTimeoutSeconds: 1,
    readyTimeoutSeconds: 1,
    readyIntervalSeconds: 0.05,
    deadlineSeconds: 10,
    smoke: smoke
      ? [
          {
            name: "ingest a document",
            method: "POST",
            url: `${svc.url}/v1/ingest`,
            headers: auth(),
            json: { text: "smoke" },
            expectStatus: 202,
            save: { ingestJob: "jobId" },
          },
          {
            name: "ingestion finishes",
            url: `${svc.url}/v1/jobs/{{ingestJob}}`,
            headers: auth(),
            poll: {
              until: { path: "status", equals: "done" },
              failWhen: { path: "status", oneOf: ["failed"] },
              intervalSeconds: 0.05,
              timeoutSeconds: 5,
            },
          },
          {
            name: "generate from it",
            method: "POST",
            url: `${svc.url}/v1/generate`,
            headers: auth(),
            json: { ingestJob: "{{ingestJob}}" },
            expectStatus: [200, 202],
            save: { generateJob: "jobId" },
          },
          {
            name: "generation finishes",
            url: `${svc.url}/v1/jobs/{{generateJob}}`,
            headers: auth(),
            poll: {
              until: { path: "status", equals: "done" },
              intervalSeconds: 0.05,
              timeoutSeconds: 5,
            },
            expect: { path: "result.words" },
          },
        ]
      : [],
  };
}
