import * as pulumi from "@pulumi/pulumi";
import type { ConsumerDelivery, DeliveredSecret } from "../../model/deliveries";
import type { ManagedSecret } from "../secrets/managedSecret";
import { FlyAppSecrets } from "./flyAppSecrets";
import { RailwayVariables } from "./railwayVariables";
import { RenderEnvGroup } from "./renderEnvGroup";

/** One platform delivery as declared: the model row and its component. */
export interface DeclaredDelivery {
  model: ConsumerDelivery;
  component: RenderEnvGroup | FlyAppSecrets | RailwayVariables;
}

/**
 * Declares one platform component per consumer delivery. Each secret value is a projection of the
 * same Output its Secret Manager secret stores (`ManagedSecret.value` / `.previousValue`, DESIGN.md
 * §3 "system of record"), and each component depends on those secrets, so Secret Manager holds a
 * new value before any platform does. Per-consumer deliveries stay separate resources, so a later
 * step can order them (a readiness gate between services).
 */
export function declareDeliveries(
  deliveries: ConsumerDelivery[],
  secretsByName: Map<string, ManagedSecret>,
  opts: pulumi.ComponentResourceOptions = {},
): DeclaredDelivery[] {
  return deliveries.map((d) => {
    const secretOf = (s: DeliveredSecret): ManagedSecret => {
      const secret = secretsByName.get(s.secretName);
      if (!secret) throw new Error(`No declared secret "${s.secretName}" for ${d.name}.`);
      return secret;
    };
    const secrets: Record<string, pulumi.Output<string>> = {};
    for (const s of d.secrets) {
      const value = s.generation === "current" ? secretOf(s).value : secretOf(s).previousValue;
      if (!value) {
        throw new Error(
          `${d.name}: ${s.key} needs the previous value of ${s.variable}, which is not declared.`,
        );
      }
      secrets[s.key] = value;
    }
    const vars = Object.fromEntries(d.plain.map((p) => [p.key, p.value]));
    const sources = [...new Set(d.secrets.map((s) => secretOf(s)))];
    const options = pulumi.mergeOptions(opts, { dependsOn: sources });
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
