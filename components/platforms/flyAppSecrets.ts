import * as pulumi from "@pulumi/pulumi";
import {
  childOptions,
  DERIVED_SECRET_OUTPUTS,
  deliveredKeys,
  EnvGroupArgs,
  requirePattern,
  secretInputs,
  validateEnvGroupArgs,
} from "./envGroupArgs";
import { PLATFORM_PATTERNS } from "../../model/naming";
import {
  baseUrl,
  checkDeliveryInputs,
  credential,
  DeliveryInputs,
  DeliveryState,
  desiredValues,
  diffDelivery,
  keyDiff,
  keyedHash,
  goneError,
  newHashKey,
  ownedKeys,
  partialFailure,
  platformClient,
  PlatformClient,
  reveal,
  seg,
  wireSecret,
} from "./providerKit";

/** How Fly machines pick up new secrets: updated with `min_secrets_version`, or staged only. */
export type FlyActivation = "update-machines" | "stage";

/** Inputs of the Fly dynamic resource. */
export interface FlyInputs extends DeliveryInputs {
  app: string;
  activation: FlyActivation;
}

/** State of the Fly dynamic resource. Fly never returns values, so drift is read from digests. */
export interface FlyState extends DeliveryState {
  app: string;
  activation: FlyActivation;
  /** Fly's digest of each owned key right after this stack wrote it (secret in state). */
  digests: Record<string, string>;
  /** The app's secrets version after this stack's last write. */
  secretsVersion: number;
  /** Machines still to update after a run that stopped part-way. */
  pendingMachineIds: string[];
}

interface FlySecretMeta {
  name: string;
  digest?: string;
}

interface FlyMachine {
  id: string;
  state?: string;
  config?: Record<string, unknown>;
}

const FLY_PLATFORM = "Fly.io";
const FLY_API = "https://api.machines.dev/v1";
/** Machines that are gone or going: nothing to update. */
const FLY_GONE_STATES = ["destroyed", "destroying", "replacing"];
/** Machines that are not running: updated without being started (they pick the secrets up on start). */
const FLY_IDLE_STATES = ["stopped", "suspended", "created"];

function flyClient(values: string[]): PlatformClient {
  const token = credential("FLY_API_TOKEN", FLY_PLATFORM, "a Fly.io API token");
  // fly-go (auth.go): macaroon tokens (`fm1r_`, `fm2_`, or already `FlyV1 ...`) use the FlyV1 scheme.
  const header = /^FlyV1\s/.test(token)
    ? token
    : /^fm[12][a-z]?_/.test(token)
      ? `FlyV1 ${token}`
      : `Bearer ${token}`;
  return platformClient(
    FLY_PLATFORM,
    baseUrl("FLY_API_URL", FLY_API),
    { authorization: header },
    values,
    "FLY_API_TOKEN",
  );
}

async function flyListSecrets(
  api: PlatformClient,
  app: string,
): Promise<Map<string, FlySecretMeta> | undefined> {
  const res = await api.call("GET", `/apps/${seg(app)}/secrets`, { allow: [404] });
  if (res.status === 404) return undefined;
  const list = ((res.body as { secrets?: FlySecretMeta[] })?.secrets ?? []).filter(
    (s) => s && typeof s.name === "string",
  );
  return new Map(list.map((s) => [s.name, s]));
}

/** In `pendingMachineIds`: every live machine of the app still has to be updated. */
const FLY_ALL_MACHINES = "*";

/**
 * Updates the pending machines to the secrets version, sending back each machine's own config
 * unchanged (PLATFORM_APIS §2). `pending` holds machine IDs, or `*` for every live machine; it is
 * emptied as machines are done, so after a failure it says exactly what is left.
 */
async function flyUpdateMachines(
  api: PlatformClient,
  app: string,
  version: number,
  pending: Set<string>,
): Promise<void> {
  const res = await api.call("GET", `/apps/${seg(app)}/machines`);
  const machines = (Array.isArray(res.body) ? (res.body as FlyMachine[]) : []).filter(
    (m) => m && typeof m.id === "string" && !FLY_GONE_STATES.includes(m.state ?? ""),
  );
  if (pending.delete(FLY_ALL_MACHINES)) for (const m of machines) pending.add(m.id);
  const live = new Set(machines.map((m) => m.id));
  for (const id of [...pending]) if (!live.has(id)) pending.delete(id);
  for (const m of machines.sort((a, b) => a.id.localeCompare(b.id))) {
    if (!pending.has(m.id)) continue;
    await api.call("POST", `/apps/${seg(app)}/machines/${seg(m.id)}`, {
      body: {
        config: m.config ?? {},
        min_secrets_version: version,
        ...(FLY_IDLE_STATES.includes(m.state ?? "") ? { skip_launch: true } : {}),
      },
      // Updating a machine to the same config and secrets version twice is harmless.
      idempotent: true,
    });
    pending.delete(m.id);
  }
}

async function flyReconcile(
  oldsIn: FlyState | undefined,
  newsIn: FlyInputs,
): Promise<{ id: string; outs: Record<string, unknown> }> {
  const olds = oldsIn ? reveal(oldsIn) : undefined;
  const news = reveal(newsIn);
  const desired = desiredValues(news);
  const api = flyClient(Object.values(desired));
  const app = news.app;
  const secretKeys = Object.keys(news.secrets ?? {}).sort();
  const plainKeys = Object.keys(news.vars ?? {}).sort();
  const hashKey = olds?.hashKey || newHashKey();

  // Fly cannot show values, so what to write comes from the keyed hashes in state.
  let toWrite: string[];
  let toRemove: string[];
  if (!olds) {
    const existing = await flyListSecrets(api, app);
    if (!existing) {
      throw new Error(
        `Fly.io app "${app}" was not found, or FLY_API_TOKEN cannot see it. Create the app (fly apps create ${app}) or fix \`targets.fly.apps\`.`,
      );
    }
    const clash = Object.keys(desired).filter((k) => existing.has(k));
    if (clash.length > 0 && !news.adopt) {
      throw new Error(
        `Fly.io app "${app}" already has secrets this stack would own: ${clash.sort().join(", ")}. To take them over (every other secret of the app stays), set \`targets.fly.adopt: true\` in the stack config, or unset them (fly secrets unset --stage ... -a ${app}).`,
      );
    }
    toWrite = Object.keys(desired).sort();
    toRemove = [];
  } else {
    if (!(await flyListSecrets(api, app))) {
      throw goneError(
        `Fly.io app "${app}"`,
        `create the app again (fly apps create ${app}) and run \`pulumi up\``,
      );
    }
    const d = keyDiff({ ...olds, hashKey }, news);
    toWrite = d.changed;
    toRemove = d.removed;
  }

  const hashes: Record<string, string> = { ...(olds?.hashes ?? {}) };
  const vars: Record<string, string> = { ...(olds?.vars ?? {}) };
  const digests: Record<string, string> = { ...(olds?.digests ?? {}) };
  let owned = { secretKeys, plainKeys };
  let version = olds?.secretsVersion ?? 0;
  const pending = new Set(olds?.pendingMachineIds ?? []);
  const stateNow = (): Record<string, unknown> => ({
    app,
    activation: news.activation,
    adopt: news.adopt,
    ...owned,
    vars,
    hashKey: wireSecret(hashKey),
    hashes: wireSecret(hashes),
    digests: wireSecret(digests),
    secretsVersion: version,
    pendingMachineIds: [...pending].sort(),
  });

  let wrote = false;
  if (toWrite.length > 0 || toRemove.length > 0) {
    // One bulk call: sets and unsets (null) together, one new secrets version.
    const values: Record<string, string | null> = {};
    for (const k of toWrite) values[k] = desired[k];
    for (const k of toRemove) values[k] = null;
    for (const k of [...toWrite, ...toRemove]) {
      delete hashes[k];
      delete vars[k];
      delete digests[k];
    }
    try {
      const res = await api.call("POST", `/apps/${seg(app)}/secrets`, {
        body: { values },
        // Setting the same values again is harmless, so a lost answer may be retried.
        idempotent: true,
      });
      wrote = true;
      const body = (res.body ?? {}) as {
        version?: number;
        Version?: number;
        secrets?: FlySecretMeta[];
      };
      version = Number(body.version ?? body.Version ?? version + 1);
      for (const k of toWrite) {
        if (secretKeys.includes(k)) hashes[k] = keyedHash(hashKey, k, desired[k]);
        else vars[k] = desired[k];
      }
      let metas = new Map((body.secrets ?? []).map((s) => [s.name, s]));
      if (toWrite.some((k) => !metas.get(k)?.digest)) {
        metas = (await flyListSecrets(api, app)) ?? new Map();
      }
      for (const k of toWrite) {
        const digest = metas.get(k)?.digest;
        if (digest) digests[k] = digest;
      }
    } catch (err) {
      // Whether the write landed is unknown: own every key it may have touched and keep no hash
      // for them, so the next run writes them again (and removes dropped ones again).
      const union = (a: string[], b: string[]) => [...new Set([...a, ...b])].sort();
      const sk = union(olds?.secretKeys ?? [], secretKeys);
      owned = {
        secretKeys: sk,
        plainKeys: union(olds?.plainKeys ?? [], plainKeys).filter((k) => !sk.includes(k)),
      };
      if (wrote && news.activation !== "stage") pending.add(FLY_ALL_MACHINES);
      throw partialFailure(err, app, stateNow());
    }
  }

  if (news.activation === "stage") {
    // Staged: machines keep their secrets until the next deploy or `fly secrets deploy`.
    pending.clear();
  } else if (wrote || pending.size > 0) {
    if (wrote) {
      pending.clear();
      pending.add(FLY_ALL_MACHINES);
    }
    try {
      await flyUpdateMachines(api, app, version, pending);
    } catch (err) {
      throw partialFailure(err, app, stateNow());
    }
  }
  return { id: app, outs: stateNow() };
}

/**
 * The Fly.io provider (DESIGN.md D6): app secrets through the bulk endpoint, then machines updated
 * with `min_secrets_version`. Its credential is read from `FLY_API_TOKEN` when a method runs.
 */
export const flyProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds, news) {
    return { inputs: news, failures: checkDeliveryInputs(news, PLATFORM_PATTERNS.envKey.re) };
  },

  async diff(_id, olds: FlyState, news: FlyInputs) {
    const pending = (reveal(olds).pendingMachineIds ?? []).length > 0;
    return diffDelivery(
      olds as FlyState & Record<string, unknown>,
      news as FlyInputs & Record<string, unknown>,
      { replace: ["app"], update: ["activation", "adopt"] },
      pending,
    );
  },

  async create(inputs: FlyInputs) {
    return flyReconcile(undefined, inputs);
  },

  async update(_id, olds: FlyState, news: FlyInputs) {
    const { outs } = await flyReconcile(olds, news);
    return { outs };
  },

  async read(id, propsIn: FlyState) {
    const props = reveal(propsIn);
    const api = flyClient([]);
    const metas = await flyListSecrets(api, props.app ?? id);
    if (!metas) return { id: "", props: {} };
    // Values cannot be read back: a key that is gone, or whose digest changed since this stack
    // wrote it, is dropped from the state, so the next `pulumi up` writes it again.
    const hashes = { ...(props.hashes ?? {}) };
    const vars = { ...(props.vars ?? {}) };
    const digests = props.digests ?? {};
    for (const k of ownedKeys(props)) {
      const meta = metas.get(k);
      const drifted = !meta || (digests[k] !== undefined && meta.digest !== digests[k]);
      if (!drifted) continue;
      delete hashes[k];
      delete vars[k];
    }
    return {
      id,
      props: {
        ...props,
        vars,
        hashKey: wireSecret(props.hashKey),
        hashes: wireSecret(hashes),
        digests: wireSecret(digests),
      },
    };
  },

  async delete(id, propsIn: FlyState) {
    const props = reveal(propsIn);
    const keys = ownedKeys(props);
    if (keys.length === 0) return;
    const api = flyClient([]);
    // One bulk unset of the owned keys only; unsetting a missing one is not an error on Fly.
    await api.call("POST", `/apps/${seg(props.app ?? id)}/secrets`, {
      body: { values: Object.fromEntries(keys.map((k) => [k, null])) },
      idempotent: true,
      allow: [404],
    });
  },
};

/** Arguments of {@link FlyAppSecrets}. */
export interface FlyAppSecretsArgs extends EnvGroupArgs {
  /** Fly app name. */
  app: string;
  /** `update-machines` (default) or `stage` (written only; `fly secrets deploy` applies them). */
  activation?: FlyActivation;
  /** Take over existing app secrets of the same names (every other secret stays). Default false. */
  adopt?: boolean;
}

/** The dynamic resource behind {@link FlyAppSecrets}. */
class FlyAppSecretsResource extends pulumi.dynamic.Resource {
  public readonly secretsVersion!: pulumi.Output<number>;
  public readonly pendingMachineIds!: pulumi.Output<string[]>;

  constructor(name: string, props: Record<string, unknown>, opts: pulumi.CustomResourceOptions) {
    super(
      flyProvider,
      name,
      { ...props, secretsVersion: undefined, pendingMachineIds: undefined },
      opts,
      "pegasus",
      "FlyAppSecrets",
    );
  }
}

/**
 * One consumer's variables as the app secrets of its Fly.io app (the guide: `fly secrets set` per
 * app, never in `fly.toml`). Plain variables are app secrets too: `[env]` belongs to `fly.toml` and
 * is replaced by every `fly deploy`. After a change the app's machines are updated with
 * `min_secrets_version`, unless `activation` is `stage`.
 */
export class FlyAppSecrets extends pulumi.ComponentResource {
  /** The app's secrets version after this stack's last write. */
  public readonly secretsVersion: pulumi.Output<number>;
  /** Names of the app secrets this stack owns (never values). */
  public readonly keys: pulumi.Output<string[]>;
  /** The resource that writes the secrets: what a later step can `dependsOn`. */
  public readonly delivery: pulumi.CustomResource;

  constructor(name: string, args: FlyAppSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pegasus:platforms:FlyAppSecrets", name, {}, opts);
    const component = "FlyAppSecrets";
    validateEnvGroupArgs(component, args);
    requirePattern(component, "app", args.app, PLATFORM_PATTERNS.flyApp);
    const activation = args.activation ?? "update-machines";
    if (!["update-machines", "stage"].includes(activation)) {
      throw new Error(`${component}: \`activation\` must be update-machines or stage.`);
    }
    const delivery = new FlyAppSecretsResource(
      name,
      {
        app: args.app,
        activation,
        adopt: args.adopt ?? false,
        vars: { ...args.vars },
        secrets: secretInputs(args.secrets),
      },
      childOptions(this, opts, [...DERIVED_SECRET_OUTPUTS, "digests"]),
    );
    this.delivery = delivery;
    this.secretsVersion = delivery.secretsVersion;
    this.keys = pulumi.output(deliveredKeys(args));
    this.registerOutputs({ secretsVersion: this.secretsVersion, keys: this.keys });
  }
}
