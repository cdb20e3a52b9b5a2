import type { Model, SecretValueModel } from "./model";
import {
  FLY_ACTIVATIONS,
  Platform,
  PLATFORM_CONSUMERS,
  PlatformConsumer,
  RAILWAY_ACTIVATIONS,
  RENDER_ACTIVATIONS,
} from "./targets";

/** Suffix of the variable that carries a signing key's previous value during its overlap window. */
export const PREVIOUS_SUFFIX = "_PREVIOUS";

/** A secret value delivered to a consumer under an environment variable name. */
export interface DeliveredSecret {
  /** Environment variable name on the platform: `JWT_SECRET`, or `JWT_SECRET_PREVIOUS`. */
  key: string;
  /** Catalog variable the value belongs to. */
  variable: string;
  /** The stored value it is a projection of (its Secret Manager secret is the system of record). */
  secret: SecretValueModel;
  /** Its Secret Manager secret ID, the system of record (DESIGN.md §3). */
  secretId: string;
  /** The current value, or the previous one of a signing key in its overlap window. */
  generation: "current" | "previous";
  /** The keeper of that generation: names which value it is, never the value. */
  keeper: string;
}

/** A plain (non-secret) variable delivered to a consumer. */
export interface DeliveredPlain {
  key: string;
  variable: string;
  value: string;
}

/** Where one consumer's variables go, with everything the platform component needs. */
export type DeliveryTarget =
  | {
      platform: "render";
      ownerId: string;
      /** Env-group name (physical name): `<groupPrefix>-<consumer>`. */
      groupName: string;
      serviceIds: string[];
      activation: (typeof RENDER_ACTIVATIONS)[number];
      adopt: boolean;
    }
  | {
      platform: "fly";
      app: string;
      activation: (typeof FLY_ACTIVATIONS)[number];
      adopt: boolean;
    }
  | {
      platform: "railway";
      projectId: string;
      environmentId: string;
      serviceId: string;
      activation: (typeof RAILWAY_ACTIVATIONS)[number];
      adopt: boolean;
    };

/** One consumer's delivery to one platform: one resource, so each can be ordered on its own. */
export interface ConsumerDelivery {
  /** Logical name, kebab-case: `render-api`, `fly-worker`. */
  name: string;
  consumer: PlatformConsumer;
  target: DeliveryTarget;
  /** Where the variables land, for people: `Render env group pegasus-staging-api -> srv-...`. */
  destination: string;
  secrets: DeliveredSecret[];
  plain: DeliveredPlain[];
}

/** One row of the plan's `deliveries`: one variable delivered to one consumer on one platform. */
export interface DeliveryRow {
  /** Environment variable name as the service sees it. */
  variable: string;
  consumer: PlatformConsumer;
  target: Platform;
  destination: string;
  kind: "secret" | "plain";
  /** The Secret Manager secret it is a projection of (`... (previous value)` in an overlap window), or `plain config`. */
  source: string;
}

/**
 * What one consumer receives, wherever it runs: every secret whose consumers include it (its own
 * value, or the shared one), the previous value of a signing key in its overlap window as
 * `<NAME>_PREVIOUS`, and every plain variable for it. Throws if two variables would land on the
 * same name.
 */
export function consumerVariables(
  model: Model,
  consumer: PlatformConsumer,
): { secrets: DeliveredSecret[]; plain: DeliveredPlain[] } {
  const secrets: DeliveredSecret[] = [];
  for (const s of model.secrets) {
    if (!s.consumers.includes(consumer)) continue;
    const base = { variable: s.variable, secret: s, secretId: s.secretId };
    secrets.push({ ...base, key: s.variable, generation: "current", keeper: s.keeper });
    // Only a signing key is delivered twice (current and previous): its verifiers accept both while
    // tokens signed with the previous one are still in flight. Any other previous value stays valid
    // where it is checked, and instances that started with it keep it until they restart.
    if (s.overlap && s.previousKeeper !== undefined) {
      secrets.push({
        ...base,
        key: `${s.variable}${PREVIOUS_SUFFIX}`,
        generation: "previous",
        keeper: s.previousKeeper,
      });
    }
  }
  const plain: DeliveredPlain[] = model.plain
    .filter((p) => p.consumers.includes(consumer))
    .map((p) => ({ key: p.variable, variable: p.variable, value: p.value }));
  const seen = new Set<string>();
  for (const { key } of [...secrets, ...plain]) {
    if (seen.has(key)) {
      throw new Error(
        `The ${consumer} would receive the variable ${key} twice (a catalog variable named like another's \`${PREVIOUS_SUFFIX}\` value?). Rename one of them in catalog/index.ts.`,
      );
    }
    seen.add(key);
  }
  return { secrets, plain };
}

/**
 * Every delivery of a stack, from its validated model: per configured platform, one per consumer
 * it names. Pure; the components (`stacks/shared.ts`) and the plan's `deliveries` both use it, so
 * what the plan shows is what the program declares.
 */
export function planDeliveries(model: Model): ConsumerDelivery[] {
  const { targets } = model.config;
  const out: ConsumerDelivery[] = [];
  for (const consumer of PLATFORM_CONSUMERS) {
    const vars = () => consumerVariables(model, consumer);
    const render = targets.render;
    const serviceIds = render?.services[consumer];
    if (render && serviceIds) {
      const groupName = `${render.groupPrefix}-${consumer}`;
      out.push({
        name: `render-${consumer}`,
        consumer,
        target: {
          platform: "render",
          ownerId: render.ownerId,
          groupName,
          serviceIds,
          activation: render.activation,
          adopt: render.adopt,
        },
        destination: `Render env group ${groupName} (workspace ${render.ownerId}) linked to ${serviceIds.join(", ")}`,
        ...vars(),
      });
    }
    const fly = targets.fly;
    const app = fly?.apps[consumer];
    if (fly && app) {
      out.push({
        name: `fly-${consumer}`,
        consumer,
        target: { platform: "fly", app, activation: fly.activation, adopt: fly.adopt },
        destination: `Fly.io app ${app} (app secrets)`,
        ...vars(),
      });
    }
    const railway = targets.railway;
    const serviceId = railway?.services[consumer];
    if (railway && serviceId) {
      out.push({
        name: `railway-${consumer}`,
        consumer,
        target: {
          platform: "railway",
          projectId: railway.projectId,
          environmentId: railway.environmentId,
          serviceId,
          activation: railway.activation,
          adopt: railway.adopt,
        },
        destination: `Railway service ${serviceId} (project ${railway.projectId}, environment ${railway.environmentId}; service variables)`,
        ...vars(),
      });
    }
  }
  const order: Platform[] = ["render", "fly", "railway"];
  return out.sort(
    (a, b) =>
      order.indexOf(a.target.platform) - order.indexOf(b.target.platform) ||
      PLATFORM_CONSUMERS.indexOf(a.consumer) - PLATFORM_CONSUMERS.indexOf(b.consumer),
  );
}

/** The plan's rows: one per variable delivered, names and destinations only (never a value). */
export function deliveryRows(deliveries: ConsumerDelivery[]): DeliveryRow[] {
  return deliveries.flatMap((d) => [
    ...d.secrets.map(
      (s): DeliveryRow => ({
        variable: s.key,
        consumer: d.consumer,
        target: d.target.platform,
        destination: d.destination,
        kind: "secret",
        source: s.generation === "previous" ? `${s.secretId} (previous value)` : s.secretId,
      }),
    ),
    ...d.plain.map(
      (p): DeliveryRow => ({
        variable: p.key,
        consumer: d.consumer,
        target: d.target.platform,
        destination: d.destination,
        kind: "plain",
        source: "plain config",
      }),
    ),
  ]);
}
