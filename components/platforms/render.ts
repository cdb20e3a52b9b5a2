import * as pulumi from "@pulumi/pulumi";
import { PLATFORM_PATTERNS } from "../../model/naming";
import { RENDER_ACTIVATIONS } from "../../model/targets";
import {
  DeliveryArgs,
  DeliveryComponent,
  DeliveryComponentSpec,
  requirePattern,
} from "../delivery/component";
import { packagedProvider } from "../delivery/packaged";
import type { RenderActivation } from "./renderAdapter";

/** Arguments of {@link RenderEnvGroup}. */
export interface RenderEnvGroupArgs extends DeliveryArgs {
  /** Render workspace (owner) ID, `tea-...` or `usr-...`. */
  ownerId: string;
  /** Env-group name (physical name). */
  groupName: string;
  /** Services the group is linked to. Plain: it decides which links exist. At least one. */
  serviceIds: string[];
  /** How the services pick up a change. Default `deploy`. */
  activation?: RenderActivation;
  /** Take over an existing group of the same name (its other keys stay untouched). Default false. */
  adopt?: boolean;
}

const RENDER_COMPONENT: DeliveryComponentSpec<RenderEnvGroupArgs> = {
  type: "RenderEnvGroup",
  provider: packagedProvider("components/platforms/renderAdapter.ts", "renderProvider"),
  activations: RENDER_ACTIVATIONS,
  validate(component, args) {
    requirePattern(component, "ownerId", args.ownerId, PLATFORM_PATTERNS.renderOwnerId);
    requirePattern(component, "groupName", args.groupName, PLATFORM_PATTERNS.renderGroupName);
    if (!Array.isArray(args.serviceIds) || args.serviceIds.length === 0) {
      throw new Error(`${component}: \`serviceIds\` must list at least one Render service.`);
    }
    args.serviceIds.forEach((s, i) =>
      requirePattern(component, `serviceIds[${i}]`, s, PLATFORM_PATTERNS.renderServiceId),
    );
  },
  identity: (args) => ({
    ownerId: args.ownerId,
    name: args.groupName,
    serviceIds: [...args.serviceIds],
  }),
  state: ["envGroupId", "secretKeys", "plainKeys", "pendingActivation"],
  outputs: ["envGroupId"],
  secretState: [],
};

/**
 * One consumer's variables in a Render env group (the guide: "Render Environment Groups";
 * `render.yaml` holds names only), linked to that consumer's services and activated by a deploy
 * (or restart). The stack owns only the keys it sets: other keys of an adopted group stay.
 */
export class RenderEnvGroup extends DeliveryComponent<RenderEnvGroupArgs> {
  /** Render env-group ID. */
  declare public readonly envGroupId: pulumi.Output<string>;

  constructor(name: string, args: RenderEnvGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super(RENDER_COMPONENT, name, args, opts);
  }
}
