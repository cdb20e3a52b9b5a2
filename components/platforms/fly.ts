import * as pulumi from "@pulumi/pulumi";
import { PLATFORM_PATTERNS } from "../../model/naming";
import { FLY_ACTIVATIONS } from "../../model/targets";
import {
  DeliveryArgs,
  DeliveryComponent,
  DeliveryComponentSpec,
  requirePattern,
} from "../delivery/component";
import { packagedProvider } from "../delivery/packaged";
import type { FlyActivation } from "./flyAdapter";

/** Arguments of {@link FlyAppSecrets}. */
export interface FlyAppSecretsArgs extends DeliveryArgs {
  /** Fly app name. */
  app: string;
  /** `update-machines` (default) or `stage` (written only; `fly secrets deploy` applies them). */
  activation?: FlyActivation;
  /** Take over existing app secrets of the same names (every other secret stays). Default false. */
  adopt?: boolean;
}

const FLY_COMPONENT: DeliveryComponentSpec<FlyAppSecretsArgs> = {
  type: "FlyAppSecrets",
  provider: packagedProvider("components/platforms/flyAdapter.ts", "flyProvider"),
  activations: FLY_ACTIVATIONS,
  validate: (component, args) =>
    requirePattern(component, "app", args.app, PLATFORM_PATTERNS.flyApp),
  identity: (args) => ({ app: args.app }),
  state: ["secretsVersion", "pendingMachineIds"],
  outputs: ["secretsVersion"],
  secretState: ["digests"],
};

/**
 * One consumer's variables as the app secrets of its Fly.io app (the guide: `fly secrets set` per
 * app, never in `fly.toml`). Plain variables are app secrets too: `[env]` belongs to `fly.toml` and
 * is replaced by every `fly deploy`. After a change the app's machines are updated with
 * `min_secrets_version`, unless `activation` is `stage`.
 */
export class FlyAppSecrets extends DeliveryComponent<FlyAppSecretsArgs> {
  /** The app's secrets version after this stack's last write. */
  declare public readonly secretsVersion: pulumi.Output<number>;

  constructor(name: string, args: FlyAppSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(FLY_COMPONENT, name, args, opts);
  }
}
