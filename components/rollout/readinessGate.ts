import * as pulumi from "@pulumi/pulumi";
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
 * The gate's dynamic provider. It closes over nothing but the pure functions of `lib/readiness.ts`
 * and `lib/http.ts`, the wire constants (serialized with it) and Node globals: no config, no
 * credentials, no secret.
 */
export const readinessProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: unknown, news: Record<string, unknown>) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
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

/** Arguments of {@link ReadinessGate}. */
export interface ReadinessGateArgs {
  /** The service this gate waits for (`api`, `worker`): named in errors. */
  service: string;
  /** Its readiness URL (stack config `verify.ready.<service>`); 2xx means ready. Not secret. */
  url: pulumi.Input<string>;
  /**
   * Changes whenever what the gate follows changes, so the gate runs again after each delivery: the
   * variable names and keepers delivered to the service. Plain, never a value.
   */
  trigger: pulumi.Input<string>;
  /** How long the service may take to become ready. Default 600 s. */
  timeoutSeconds?: number;
  /** Pause between attempts. Default 10 s. */
  intervalSeconds?: number;
  /** Bound on one request. Default 10 s. */
  requestTimeoutSeconds?: number;
  /** Consecutive ready answers needed. Default 3. */
  successes?: number;
}

/** The dynamic resource under {@link ReadinessGate}. */
class ReadinessCheck extends pulumi.dynamic.Resource {
  // `declare`: the SDK sets these outputs in the constructor; a class field would reset them.
  declare public readonly readyAt: pulumi.Output<string>;
  declare public readonly attempts: pulumi.Output<number>;
  declare public readonly detail: pulumi.Output<string>;

  constructor(
    name: string,
    args: Record<string, pulumi.Input<unknown>>,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      readinessProvider,
      name,
      { ...args, readyAt: undefined, attempts: undefined, detail: undefined },
      opts,
      "pegasus",
      "ReadinessCheck",
    );
  }
}

/**
 * A readiness gate in the Pulumi graph (guide, rotation runbook step 3: staggered rollout). `pulumi up`
 * reaches it after the service's delivery, polls `/health/ready` with bounded time, and fails the
 * update if the service does not become ready; the next service's delivery `dependsOn` this gate.
 */
export class ReadinessGate extends pulumi.ComponentResource {
  /** When the service was last seen ready (UTC). */
  public readonly readyAt: pulumi.Output<string>;
  /** A one-line summary of the last check. */
  public readonly detail: pulumi.Output<string>;

  constructor(name: string, args: ReadinessGateArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pegasus:rollout:ReadinessGate", name, {}, opts);
    const n = (arg: string, v: number | undefined, dflt: number, max: number) => {
      const x = v ?? dflt;
      if (!(typeof x === "number" && x > 0 && x <= max)) {
        throw new Error(`\`${arg}\` ${x} must be a number above 0 and at most ${max}.`);
      }
      return x;
    };
    if (!/^[a-z][a-z0-9-]{0,31}$/.test(args.service)) {
      throw new Error(
        `\`service\` "${args.service}" must be a lower-case service name such as api.`,
      );
    }
    const successes = n("successes", args.successes, 3, 20);
    if (!Number.isInteger(successes))
      throw new Error(`\`successes\` ${successes} must be a whole number.`);
    const check = new ReadinessCheck(
      name,
      {
        service: args.service,
        url: args.url,
        trigger: args.trigger,
        timeoutMs: Math.round(n("timeoutSeconds", args.timeoutSeconds, 600, 3600) * 1000),
        intervalMs: Math.round(n("intervalSeconds", args.intervalSeconds, 10, 600) * 1000),
        requestTimeoutMs: Math.round(
          n("requestTimeoutSeconds", args.requestTimeoutSeconds, 10, 300) * 1000,
        ),
        successes,
      },
      { parent: this },
    );
    this.readyAt = check.readyAt;
    this.detail = check.detail;
    this.registerOutputs({ readyAt: this.readyAt, detail: this.detail });
  }
}
