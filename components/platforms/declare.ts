import * as pulumi from "@pulumi/pulumi";
import type { ConsumerDelivery, DeliveredSecret } from "../../model";
import { FlyAppSecrets } from "./fly";
import { RailwayVariables } from "./railway";
import { RenderEnvGroup } from "./render";

/** One platform delivery as declared: the model row and its component. */
export interface DeclaredDelivery {
  model: ConsumerDelivery;
  component: RenderEnvGroup | FlyAppSecrets | RailwayVariables;
}

/** Where the declared values of a stack are: what a delivery projects, and what it waits for. */
export interface DeliveryValues {
  /** The value of one delivered generation: the same Output its Secret Manager version stores. */
  valueOf(s: DeliveredSecret): pulumi.Output<string>;
  /** The resource that stores it (its managed secret): written before any platform receives it. */
  storeOf(s: DeliveredSecret): pulumi.Resource;
}

/**
 * Declares one platform component per consumer delivery. Each secret value is a projection of the
 * same Output its Secret Manager secret stores (DESIGN.md §3 "system of record"), and each
 * component depends on those secrets, so Secret Manager holds a new value before any platform
 * does. Per-consumer deliveries stay separate resources, so a later step can order them (a
 * readiness gate between services).
 */
export function declareDeliveries(
  deliveries: ConsumerDelivery[],
  values: DeliveryValues,
  opts: pulumi.ComponentResourceOptions = {},
): DeclaredDelivery[] {
  return deliveries.map((d) => {
    const secrets = Object.fromEntries(d.secrets.map((s) => [s.key, values.valueOf(s)]));
    const vars = Object.fromEntries(d.plain.map((p) => [p.key, p.value]));
    const stores = [...new Set(d.secrets.map((s) => values.storeOf(s)))];
    const options = pulumi.mergeOptions(opts, { dependsOn: stores });
    const t = d.target;
    let component: DeclaredDelivery["component"];
    switch (t.platform) {
      case "render":
        component = new RenderEnvGroup(
          d.name,
          {
            ownerId: t.ownerId,
            groupName: t.groupName,
            serviceIds: t.serviceIds,
            activation: t.activation,
            adopt: t.adopt,
            vars,
            secrets,
          },
          options,
        );
        break;
      case "fly":
        component = new FlyAppSecrets(
          d.name,
          { app: t.app, activation: t.activation, adopt: t.adopt, vars, secrets },
          options,
        );
        break;
      case "railway":
        component = new RailwayVariables(
          d.name,
          {
            projectId: t.projectId,
            environmentId: t.environmentId,
            serviceId: t.serviceId,
            activation: t.activation,
            adopt: t.adopt,
            vars,
            secrets,
          },
          options,
        );
        break;
    }
    return { model: d, component };
  });
}
