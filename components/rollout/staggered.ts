import * as pulumi from "@pulumi/pulumi";
import { DeclaredDelivery, declareDeliveries, DeliveryValues } from "../platforms/declare";
import {
  ConsumerDelivery,
  gateTrigger,
  Model,
  RolloutConfig,
  rolloutSteps,
  serviceKeepers,
} from "../../model";
import { ReadinessGate } from "./readinessGate";

/** The declared rollout: every delivery, and the gate after each service. */
export interface StaggeredDeliveries {
  /** Every delivery, in the order `planDeliveries` returned them. */
  deliveries: DeclaredDelivery[];
  /** One gate per service, in rollout order. */
  gates: { service: string; gate: ReadinessGate }[];
}

/**
 * Production's staggered rollout (guide, rotation runbook step 3): one service at a time, in the
 * configured order. Each service's deliveries are declared, then a readiness gate waits for its
 * `/health/ready`; the next service's deliveries `dependsOn` that gate, so `pulumi up` stops at the
 * first service that does not become ready and the others keep their working values.
 *
 * Ordering works through the SDK: a component registers only after everything in its `dependsOn`
 * has completed, and its children wait for it, so the next platform write cannot start before the
 * previous gate has passed.
 */
export function declareStaggeredDeliveries(
  model: Model,
  deliveries: ConsumerDelivery[],
  values: DeliveryValues,
  rollout: RolloutConfig,
  readyUrls: Partial<Record<string, string>>,
  opts: pulumi.ComponentResourceOptions = {},
): StaggeredDeliveries {
  const delivered = [...new Set(deliveries.map((d) => d.consumer))];
  const steps = rolloutSteps(rollout.order, delivered);
  const declared = new Map<ConsumerDelivery, DeclaredDelivery>();
  const gates: StaggeredDeliveries["gates"] = [];
  let previous: ReadinessGate | undefined;
  for (const step of steps) {
    const group = deliveries.filter((d) => d.consumer === step.service);
    const url = readyUrls[step.service];
    if (!url) {
      throw new Error(
        `The rollout gates ${step.service} but \`verify.ready.${step.service}\` is not set: pulumi config set --path 'verify.ready.${step.service}' https://<${step.service} host>/health/ready --stack ${model.config.stack}`,
      );
    }
    const options = previous ? pulumi.mergeOptions(opts, { dependsOn: [previous] }) : opts;
    const components = declareDeliveries(group, values, options);
    components.forEach((c, i) => declared.set(group[i], c));
    const gate = new ReadinessGate(
      `${step.service}-readiness`,
      {
        service: step.service,
        url,
        trigger: gateTrigger(serviceKeepers(group)),
        timeoutSeconds: rollout.timeoutSeconds,
        intervalSeconds: rollout.intervalSeconds,
        requestTimeoutSeconds: rollout.requestTimeoutSeconds,
        successes: rollout.successes,
      },
      { dependsOn: components.map((c) => c.component) },
    );
    gates.push({ service: step.service, gate });
    previous = gate;
  }
  return { deliveries: deliveries.map((d) => declared.get(d)!), gates };
}
