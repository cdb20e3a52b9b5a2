/**
 * What a readiness gate runs inside `pulumi up`: the dynamic provider of `ReadinessCheck`
 * (`readinessGate.ts`). This module and what it imports are bundled into the provider the gate
 * stores (`../delivery/packaged.ts`), so it imports Node.js built-ins and pure code only.
 */
import type { dynamic } from "@pulumi/pulumi";
import { describeReadiness, safeUrl, waitUntilReady } from "../../lib/readiness";
// What the engine sends for an input that is not known yet (a preview): never treat it as a value.
import { UNKNOWN } from "../delivery/wire";

/** The inputs the gate's provider works on: all plain, none secret. */
interface GateInputs {
  service: string;
  url: string;
  trigger: string;
  timeoutMs: number;
  intervalMs: number;
  requestTimeoutMs: number;
  successes: number;
}

const INPUT_KEYS: (keyof GateInputs)[] = [
  "service",
  "url",
  "trigger",
  "timeoutMs",
  "intervalMs",
  "requestTimeoutMs",
  "successes",
];

/**
 * Waits for the service, or fails the update. Throwing from create/update fails this resource, so
 * everything that `dependsOn` the gate (the next service's delivery) is not applied: a bad value
 * stops at the first service instead of reaching all of them.
 */
async function gate(inputs: GateInputs): Promise<Record<string, unknown>> {
  const r = await waitUntilReady({
    url: inputs.url,
    timeoutMs: inputs.timeoutMs,
    intervalMs: inputs.intervalMs,
    requestTimeoutMs: inputs.requestTimeoutMs,
    successes: inputs.successes,
  });
  if (!r.ready) {
    throw new Error(
      `${inputs.service} did not become ready at ${safeUrl(inputs.url)}: ${describeReadiness(r)}. ` +
        `The rollout stops here; services after ${inputs.service} keep their current values. ` +
        `Check ${inputs.service}'s logs, fix the value (or roll the keeper back), then run pulumi up again.`,
    );
  }
  return {
    service: inputs.service,
    url: inputs.url,
    trigger: inputs.trigger,
    timeoutMs: inputs.timeoutMs,
    intervalMs: inputs.intervalMs,
    requestTimeoutMs: inputs.requestTimeoutMs,
    successes: inputs.successes,
    readyAt: new Date().toISOString(),
    attempts: r.attempts,
    lastStatus: r.lastStatus,
    detail: describeReadiness(r),
  };
}

/**
 * The gate's dynamic provider. It uses nothing but the pure functions of `lib/readiness.ts` and
 * `lib/http.ts`, the wire constants and Node globals: no config, no credentials, no secret.
 */
export const readinessProvider: dynamic.ResourceProvider = {
  async check(_olds: unknown, news: Record<string, unknown>) {
    const failures: dynamic.CheckFailure[] = [];
    const url = news.url;
    if (url !== UNKNOWN) {
      let ok = false;
      try {
        const p = new URL(String(url));
        ok = p.protocol === "https:" || p.protocol === "http:";
      } catch {
        ok = false;
      }
      if (!ok) failures.push({ property: "url", reason: "url must be an http(s) URL" });
    }
    for (const k of ["timeoutMs", "intervalMs", "requestTimeoutMs", "successes"]) {
      const v = news[k];
      if (v !== UNKNOWN && !(typeof v === "number" && v > 0 && Number.isFinite(v))) {
        failures.push({ property: k, reason: `${k} must be a positive number` });
      }
    }
    return { inputs: news, failures };
  },

  async diff(_id: unknown, olds: Record<string, unknown>, news: Record<string, unknown>) {
    // An unknown input (preview) may change: never answer "no change" for it.
    const changed = INPUT_KEYS.filter((k) => news[k] === UNKNOWN || olds[k] !== news[k]);
    return { changes: changed.length > 0, replaces: [], deleteBeforeReplace: false };
  },

  async create(inputs: GateInputs) {
    const outs = await gate(inputs);
    return { id: `${inputs.service}-readiness`, outs };
  },

  async update(_id: string, _olds: unknown, news: GateInputs) {
    return { outs: await gate(news) };
  },

  async delete() {
    // Nothing to remove: the gate only ever observed the service.
  },
};
