import * as pulumi from "@pulumi/pulumi";
import { PLATFORM_PATTERNS } from "../../model/naming";
import { RAILWAY_ACTIVATIONS } from "../../model/targets";
import {
  DeliveryArgs,
  DeliveryComponent,
  DeliveryComponentSpec,
  requirePattern,
} from "../delivery/component";
import { packagedProvider } from "../delivery/packaged";
import type { RailwayActivation } from "./railwayAdapter";

/** Arguments of {@link RailwayVariables}. */
export interface RailwayVariablesArgs extends DeliveryArgs {
  projectId: string;
  environmentId: string;
  serviceId: string;
  /** `redeploy` (default): one `serviceInstanceRedeploy` after a change; `none`: never. */
  activation?: RailwayActivation;
  /** Take over existing service variables of the same names (every other one stays). Default false. */
  adopt?: boolean;
}

const RAILWAY_COMPONENT: DeliveryComponentSpec<RailwayVariablesArgs> = {
  type: "RailwayVariables",
  provider: packagedProvider("components/platforms/railwayAdapter.ts", "railwayProvider"),
  activations: RAILWAY_ACTIVATIONS,
  validate(component, args) {
    for (const arg of ["projectId", "environmentId", "serviceId"] as const) {
      requirePattern(component, arg, args[arg], PLATFORM_PATTERNS.railwayId);
    }
  },
  identity: (args) => ({
    projectId: args.projectId,
    environmentId: args.environmentId,
    serviceId: args.serviceId,
  }),
  state: ["pendingActivation"],
  outputs: [],
  secretState: [],
};

/**
 * One consumer's variables as service variables of its Railway service (the guide: project/service
 * settings, never TOML; separate API and worker scopes). Never shared variables: each consumer's
 * values stay in its own service.
 */
export class RailwayVariables extends DeliveryComponent<RailwayVariablesArgs> {
  constructor(name: string, args: RailwayVariablesArgs, opts?: pulumi.ComponentResourceOptions) {
    super(RAILWAY_COMPONENT, name, args, opts);
  }
}
