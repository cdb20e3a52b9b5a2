import * as pulumi from "@pulumi/pulumi";
import { PackagedResource, packagedProvider } from "../delivery/packaged";

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
class ReadinessCheck extends PackagedResource {
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
      packagedProvider("components/rollout/readinessCheck.ts", "readinessProvider"),
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
