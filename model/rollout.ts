/**
 * Production's staggered rollout as plain data: which service is applied after which, and what
 * each one waits for. The stack turns each step into `dependsOn` edges; this part needs no Pulumi.
 */
import type { ConsumerDelivery } from "./deliveries";
import { shortHash } from "./naming";

/** One step of the rollout: apply `service`, then gate on it; `after` is the gate it waits for. */
export interface RolloutStep {
  service: string;
  /** The service whose readiness gate must pass before this one is applied; null for the first. */
  after: string | null;
}

/**
 * Orders the services a stack delivers by the configured `rollout.order`. Every delivered service
 * must be listed (a service left out would be applied at once, outside the stagger); a listed service
 * that is not delivered in this stack is skipped.
 */
export function rolloutSteps(
  order: readonly string[],
  delivered: readonly string[],
): RolloutStep[] {
  const dup = order.find((s, i) => order.indexOf(s) !== i);
  if (dup) throw new Error(`\`rollout.order\` lists ${dup} twice: list each service once.`);
  const missing = delivered.filter((s) => !order.includes(s));
  if (missing.length > 0) {
    throw new Error(
      `\`rollout.order\` does not list ${missing.join(", ")}, which this stack delivers to: add ${missing.length === 1 ? "it" : "them"} (pulumi config set --path 'rollout.order[${order.length}]' ${missing[0]} --stack production).`,
    );
  }
  const steps: RolloutStep[] = [];
  for (const service of order) {
    if (!delivered.includes(service)) continue;
    steps.push({ service, after: steps.length ? steps[steps.length - 1].service : null });
  }
  return steps;
}

/**
 * The trigger of a service's gate: the variables it receives and their keepers, sorted. It changes
 * exactly when a rotation (or a new variable) reaches the service, and carries no value.
 */
export function gateTrigger(keepers: Record<string, string>): string {
  return Object.keys(keepers)
    .sort()
    .map((k) => `${k}=${keepers[k]}`)
    .join(";");
}

/**
 * What a service's gate follows: each variable it receives with the keeper of its value (plain
 * config by a short hash of its value), so the gate runs again exactly when something delivered to
 * the service changes. Names and keepers only, never a secret value.
 */
export function serviceKeepers(deliveries: ConsumerDelivery[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of deliveries) {
    for (const s of d.secrets) out[s.key] = s.keeper;
    for (const p of d.plain) out[p.key] = `plain:${shortHash(p.value)}`;
  }
  return out;
}
