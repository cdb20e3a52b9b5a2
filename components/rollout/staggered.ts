import * as pulumi from "@pulumi/pulumi";
import { DeclaredDelivery, declareDeliveries } from "../platforms/declare";
import type { ManagedSecret } from "../secrets/managedSecret";
import type { ConsumerDelivery } from "../../model/deliveries";
import type { Model } from "../../model/model";
import type { RolloutConfig } from "../../model/runbookConfig";
import { shortHash } from "../lib/naming";
import { gateTrigger, rolloutSteps } from "./order";
import { ReadinessGate } from "./readinessGate";

/** The declared rollout: every delivery, and the gate after each service. */
export interface StaggeredDeliveries {
  /** Every delivery, in the order `planDeliveries` returned them. */
  deliveries: DeclaredDelivery[];
  /** One gate per service, in rollout order. */
  gates: { service: string; gate: ReadinessGate }[];
}

/**
 * What a service's gate follows: each variable it receives with the keeper of its value (plain
 * config by a short hash of its value), so the gate runs again exactly when something delivered to
 * the service changes. Names and keepers only, never a secret value.
 */
export function serviceKeepers(
  model: Model,
  deliveries: ConsumerDelivery[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of deliveries) {
    for (const s of d.secrets) {
      const m = model.secrets.find((x) => x.name === s.secretName);
      const keeper = s.generation === "current" ? m?.keeper : m?.previousKeeper;
      out[s.key] = keeper ?? "unknown";
    }
    for (const p of d.plain) out[p.key] = `plain:${shortHash(p.value)}`;
  }
  return out;
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
  secretsByName: Map<string, ManagedSecret>,
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
    const components = declareDeliveries(group, secretsByName, options);
    components.forEach((c, i) => declared.set(group[i], c));
    const gate = new ReadinessGate(
      `${step.service}-readiness`,
      {
        service: step.service,
        url,
        trigger: gateTrigger(serviceKeepers(model, group)),
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
