import { sendRequest } from "../../lib/http";
import { describeReadiness, safeUrl, waitUntilReady } from "../../lib/readiness";
import {
  FieldCondition,
  RUNTIME_SERVICES,
  SmokeStep,
  VerifyConfig,
} from "../../model/runbookConfig";
import { CheckResult } from "./log";

/** The outcome of one verify run. */
export interface VerifyRun {
  ok: boolean;
  checks: CheckResult[];
  ms: number;
}

/** Reads a field by dotted path (`job.status`, `items.0.id`). */
export function fieldAt(json: unknown, path: string): unknown {
  let v: unknown = json;
  for (const part of path.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** A field value as `verify` may show it: short scalars only, so a body never reaches the output. */
export function shown(v: unknown): string {
  if (v === undefined) return "missing";
  if (v === null || typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return Array.isArray(v) ? "(a list)" : "(an object)";
}

/** Whether a JSON document meets a condition. */
export function meets(json: unknown, c: FieldCondition): boolean {
  const v = fieldAt(json, c.path);
  if (c.equals !== undefined) return v === c.equals;
  if (c.oneOf !== undefined) return c.oneOf.includes(v as never);
  return v !== undefined && v !== null;
}

const conditionText = (c: FieldCondition): string =>
  c.equals !== undefined
    ? `${c.path} = ${JSON.stringify(c.equals)}`
    : c.oneOf !== undefined
      ? `${c.path} in ${JSON.stringify(c.oneOf)}`
      : `${c.path} present`;

/** `{{name}}` -> a saved value. */
const substitute = (s: string, vars: Record<string, string>, enc: (x: string) => string) =>
  s.replace(/\{\{([A-Za-z][A-Za-z0-9_]*)\}\}/g, (_, n: string) => enc(vars[n] ?? ""));

function substituteJson(v: unknown, vars: Record<string, string>): unknown {
  if (typeof v === "string") return substitute(v, vars, (x) => x);
  if (Array.isArray(v)) return v.map((x) => substituteJson(x, vars));
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substituteJson(x, vars)]));
  }
  return v;
}

/** Header values with `${env:NAME}` replaced from the environment; throws naming a missing variable. */
export function resolveHeaders(
  headers: Record<string, string>,
  env: Record<string, string | undefined>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [
      k,
      v.replace(/\$\{env:([A-Z_][A-Z0-9_]*)\}/g, (_, name: string) => {
        const x = env[name];
        if (x === undefined || x === "") {
          throw new Error(`header ${k} needs the environment variable ${name}, which is not set`);
        }
        return x;
      }),
    ]),
  );
}

interface Answer {
  status: number | null;
  json: unknown;
  isJson: boolean;
  error: string | null;
}

/** One smoke request through the HTTP core: a deadline, no redirect, at most 1 MiB of body. */
async function request(
  step: SmokeStep,
  url: string,
  headers: Record<string, string>,
  body: string | undefined,
  timeoutMs: number,
): Promise<Answer> {
  const r = await sendRequest({ method: step.method, url, headers, body, timeoutMs });
  return { status: r.status, json: r.json, isJson: r.isJson, error: r.error };
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** At most one progress line per 10 s (the first at once), so a long wait shows life, not noise. */
function throttled(out: (line: string) => void, everyMs = 10_000): (line: string) => void {
  let last = -Infinity;
  return (line) => {
    const now = Date.now();
    if (now - last < everyMs) return;
    last = now;
    out(line);
  };
}

/** Runs one smoke step (polling if it says so) within `deadline`; saves values into `vars`. */
async function runStep(
  step: SmokeStep,
  vars: Record<string, string>,
  env: Record<string, string | undefined>,
  deadline: number,
  requestTimeoutMs: number,
  progress: (line: string) => void = () => undefined,
): Promise<CheckResult> {
  const start = Date.now();
  const url = substitute(step.url, vars, encodeURIComponent);
  const result = (ok: boolean, detail: string, attempts: number): CheckResult => ({
    kind: "smoke",
    name: step.name,
    ok,
    detail,
    attempts,
    ms: Date.now() - start,
    url: `${step.method} ${safeUrl(url)}`,
  });
  let headers: Record<string, string>;
  try {
    headers = resolveHeaders(step.headers, env);
  } catch (err) {
    return result(false, `not run: ${(err as Error).message}`, 0);
  }
  const body =
    step.json !== undefined ? JSON.stringify(substituteJson(step.json, vars)) : undefined;
  const expected = (s: number) =>
    step.expectStatus ? step.expectStatus.includes(s) : s >= 200 && s < 300;
  const statusText = (a: Answer) =>
    a.status !== null ? `HTTP ${a.status}` : `no answer (${a.error ?? "request failed"})`;
  const wanted = step.expectStatus ? step.expectStatus.join(" or ") : "2xx";
  const stepDeadline = step.poll
    ? Math.min(deadline, start + step.poll.timeoutSeconds * 1000)
    : deadline;
  const maxAttempts = step.poll
    ? Math.ceil((step.poll.timeoutSeconds * 1000) / Math.max(step.poll.intervalSeconds * 1000, 1)) +
      1
    : 1;

  let attempts = 0;
  let last: Answer | undefined;
  for (;;) {
    attempts++;
    const budget = Math.max(1, Math.min(requestTimeoutMs, stepDeadline - Date.now()));
    last = await request(step, url, headers, body, budget);
    const a = last;
    const statusOk = a.status !== null && expected(a.status);
    if (!step.poll) {
      if (!statusOk)
        return result(false, `expected HTTP ${wanted}, got ${statusText(a)}`, attempts);
      break;
    }
    if (statusOk && step.poll.failWhen && meets(a.json, step.poll.failWhen)) {
      return result(
        false,
        `${statusText(a)}: ${step.poll.failWhen.path} is ${shown(fieldAt(a.json, step.poll.failWhen.path))} (fails when ${conditionText(step.poll.failWhen)})`,
        attempts,
      );
    }
    if (statusOk && meets(a.json, step.poll.until)) break;
    if (Date.now() + step.poll.intervalSeconds * 1000 >= stepDeadline || attempts >= maxAttempts) {
      const seen = statusOk
        ? `${step.poll.until.path} was ${shown(fieldAt(a.json, step.poll.until.path))}`
        : `last answer ${statusText(a)}`;
      return result(
        false,
        `not done after ${secs(Date.now() - start)} (${attempts} attempts): waiting for ${conditionText(step.poll.until)}, ${seen}`,
        attempts,
      );
    }
    progress(
      `  ...   smoke     ${step.name}  waiting for ${conditionText(step.poll.until)} (${statusOk ? `${step.poll.until.path} is ${shown(fieldAt(a.json, step.poll.until.path))}` : statusText(a)}), attempt ${attempts}, ${secs(Date.now() - start)} of ${secs(step.poll.timeoutSeconds * 1000)}`,
    );
    await new Promise((r) => setTimeout(r, step.poll!.intervalSeconds * 1000));
  }

  const needsJson = step.expect !== undefined || Object.keys(step.save).length > 0;
  if (needsJson && !last.isJson) {
    return result(false, `${statusText(last)} but the response is not JSON`, attempts);
  }
  if (step.expect && !meets(last.json, step.expect)) {
    return result(
      false,
      `${statusText(last)} but ${step.expect.path} is ${shown(fieldAt(last.json, step.expect.path))} (expected ${conditionText(step.expect)})`,
      attempts,
    );
  }
  for (const [name, path] of Object.entries(step.save)) {
    const v = fieldAt(last.json, path);
    if (v === undefined || v === null || typeof v === "object") {
      return result(
        false,
        `${statusText(last)} but ${path} (to save as ${name}) is ${shown(v)}`,
        attempts,
      );
    }
    vars[name] = String(v);
  }
  const done = step.poll ? `: ${conditionText(step.poll.until)}` : "";
  return result(
    true,
    `${statusText(last)}${step.poll ? ` after ${attempts} attempt${attempts === 1 ? "" : "s"}` : ""} (${secs(Date.now() - start)})${done}`,
    attempts,
  );
}

/**
 * Runs the guide's validation (rotation runbook step 2, break-glass step 4): every service's
 * readiness endpoint, then the ingest-to-generate smoke flow, each bounded in time, all within the
 * run's deadline. Prints nothing itself; `onResult` receives each check as it completes.
 */
export async function runVerify(
  cfg: VerifyConfig,
  env: Record<string, string | undefined>,
  onResult: (c: CheckResult) => void = () => undefined,
  onProgress: (line: string) => void = () => undefined,
): Promise<VerifyRun> {
  const start = Date.now();
  const deadline = start + cfg.deadlineSeconds * 1000;
  const requestTimeoutMs = cfg.requestTimeoutSeconds * 1000;
  const checks: CheckResult[] = [];
  const add = (c: CheckResult) => {
    checks.push(c);
    onResult(c);
  };

  const services = RUNTIME_SERVICES.filter((s) => cfg.ready[s]);
  const ready = await Promise.all(
    services.map(async (service) => {
      const url = cfg.ready[service]!;
      const t0 = Date.now();
      const timeoutMs = Math.max(
        1,
        Math.min(cfg.readyTimeoutSeconds * 1000, deadline - Date.now()),
      );
      const progress = throttled(onProgress);
      const r = await waitUntilReady({
        url,
        timeoutMs,
        intervalMs: cfg.readyIntervalSeconds * 1000,
        requestTimeoutMs,
        successes: 1,
        onAttempt: (a) =>
          progress(
            `  ...   ready     ${service}  not ready yet (${a.status !== null ? `HTTP ${a.status}` : (a.error ?? "no answer")}), attempt ${a.attempt}, ${secs(a.elapsedMs)} of ${secs(timeoutMs)}`,
          ),
      });
      return {
        kind: "ready" as const,
        name: service,
        ok: r.ready,
        detail: describeReadiness(r),
        attempts: r.attempts,
        ms: Date.now() - t0,
        url: safeUrl(url),
      };
    }),
  );
  ready.forEach(add);

  let blocked = ready.some((c) => !c.ok) ? "a service is not ready" : null;
  const vars: Record<string, string> = {};
  for (const step of cfg.smoke) {
    if (!blocked && Date.now() >= deadline)
      blocked = `the verify deadline of ${cfg.deadlineSeconds} s passed`;
    if (blocked) {
      add({
        kind: "smoke",
        name: step.name,
        ok: false,
        detail: `not run: ${blocked}`,
        attempts: 0,
        ms: 0,
        // The URL as configured: later steps' `{{names}}` were never filled in.
        url: `${step.method} ${step.url.split("?")[0]}`,
      });
      continue;
    }
    const c = await runStep(step, vars, env, deadline, requestTimeoutMs, throttled(onProgress));
    add(c);
    if (!c.ok) blocked = `step "${step.name}" failed`;
  }
  return { ok: checks.length > 0 && checks.every((c) => c.ok), checks, ms: Date.now() - start };
}
