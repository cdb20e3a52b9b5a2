import * as pulumi from "@pulumi/pulumi";
import {
  childOptions,
  DERIVED_SECRET_OUTPUTS,
  EnvGroupArgs,
  deliveredKeys,
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
  goneError,
  newHashKey,
  ownedKeys,
  partialFailure,
  platformClient,
  PlatformClient,
  reveal,
  seg,
  stateFromPlatform,
  wireSecret,
} from "./providerKit";

/** How Render services pick up a changed group. */
export type RenderActivation = "deploy" | "restart" | "none";

/** Inputs of the Render dynamic resource (what the component passes). */
export interface RenderInputs extends DeliveryInputs {
  ownerId: string;
  /** Env-group name (physical name). */
  name: string;
  serviceIds: string[];
  activation: RenderActivation;
}

/** State of the Render dynamic resource: names, IDs and keyed hashes; never a secret value. */
export interface RenderState extends DeliveryState {
  ownerId: string;
  name: string;
  serviceIds: string[];
  activation: RenderActivation;
  envGroupId: string;
  /** Whether this stack created the group (then it deletes it once empty); false when adopted. */
  createdGroup: boolean;
  /** Service links this stack made (only these are ever unlinked). */
  linkedServiceIds: string[];
  /** Services still to deploy/restart after a run that stopped part-way. */
  pendingActivation: string[];
}

interface RenderEnvGroupBody {
  id: string;
  name: string;
  ownerId: string;
  serviceLinks?: { id: string }[];
  envVars?: { key: string; value: string }[];
  secretFiles?: { name: string }[];
}

const RENDER_PLATFORM = "Render";
const RENDER_API = "https://api.render.com/v1";

function renderClient(values: string[]): PlatformClient {
  const token = credential("RENDER_API_KEY", RENDER_PLATFORM, "a Render API key");
  return platformClient(
    RENDER_PLATFORM,
    baseUrl("RENDER_API_URL", RENDER_API),
    { authorization: `Bearer ${token}` },
    values,
    "RENDER_API_KEY",
  );
}

async function renderGetGroup(
  api: PlatformClient,
  id: string,
): Promise<RenderEnvGroupBody | undefined> {
  const res = await api.call("GET", `/env-groups/${seg(id)}`, { allow: [404] });
  return res.status === 404 ? undefined : (res.body as RenderEnvGroupBody);
}

/** The group of this name in this workspace, if one exists (adoption). */
async function renderFindGroup(
  api: PlatformClient,
  ownerId: string,
  name: string,
): Promise<RenderEnvGroupBody | undefined> {
  const query = `ownerId=${seg(ownerId)}&name=${seg(name)}&limit=100`;
  const res = await api.call("GET", `/env-groups?${query}`);
  const found = (Array.isArray(res.body) ? (res.body as RenderEnvGroupBody[]) : []).filter(
    (g) => g && g.name === name && g.ownerId === ownerId,
  );
  if (found.length > 1) {
    throw new Error(
      `Render workspace ${ownerId} has ${found.length} env groups named "${name}"; this stack can adopt only one. Rename or delete the extra ones in the Render dashboard.`,
    );
  }
  return found.length === 1 ? renderGetGroup(api, found[0].id) : undefined;
}

async function renderActivate(
  api: PlatformClient,
  serviceId: string,
  activation: RenderActivation,
): Promise<void> {
  if (activation === "deploy") {
    // An explicit deploy: whether an env change deploys by itself is UNCONFIRMED (PLATFORM_APIS §1).
    await api.call("POST", `/services/${seg(serviceId)}/deploys`, {
      body: { clearCache: "do_not_clear" },
    });
  } else if (activation === "restart") {
    await api.call("POST", `/services/${seg(serviceId)}/restart`);
  }
}

/**
 * Brings the group to the desired keys, links and activation, reading the group first so a re-run
 * after a failure writes only what is still missing. Used by create (`olds` undefined) and update.
 */
async function renderReconcile(
  oldsIn: RenderState | undefined,
  newsIn: RenderInputs,
  stateId?: string,
): Promise<{ id: string; outs: Record<string, unknown> }> {
  const olds = oldsIn ? reveal(oldsIn) : undefined;
  const news = reveal(newsIn);
  const desired = desiredValues(news);
  const api = renderClient(Object.values(desired));
  const secretKeys = Object.keys(news.secrets ?? {}).sort();
  const plainKeys = Object.keys(news.vars ?? {}).sort();
  const hashKey = olds?.hashKey || newHashKey();

  const groupId = olds ? olds.envGroupId || stateId : undefined;
  let group = groupId ? await renderGetGroup(api, groupId) : undefined;
  if (olds && !group) {
    throw goneError(
      `Render env group ${groupId} ("${olds.name}")`,
      "`pulumi up` creates the group again",
    );
  }
  let createdGroup = olds?.createdGroup ?? false;
  const linked = new Set(olds?.linkedServiceIds ?? []);
  const pending = new Set(olds?.pendingActivation ?? []);
  let changed = false;
  if (!group) {
    const existing = await renderFindGroup(api, news.ownerId, news.name);
    if (existing && !news.adopt) {
      throw new Error(
        `Render env group "${news.name}" already exists in workspace ${news.ownerId} and this stack does not own it. To take it over (this stack then owns only the keys it sets; every other key stays), set \`targets.render.adopt: true\` in the stack config, or delete or rename that group.`,
      );
    }
    if (existing) {
      group = existing;
      createdGroup = false;
    } else {
      const res = await api.call("POST", "/env-groups", {
        body: {
          name: news.name,
          ownerId: news.ownerId,
          envVars: Object.entries(desired).map(([key, value]) => ({ key, value })),
          serviceIds: news.serviceIds,
        },
      });
      group = res.body as RenderEnvGroupBody;
      createdGroup = true;
      for (const s of news.serviceIds) linked.add(s);
      changed = true;
    }
  }
  const id = group.id;
  // What the platform holds for our keys right now, updated after every successful write.
  const platform: Record<string, string | undefined> = Object.fromEntries(
    (group.envVars ?? []).map((v) => [v.key, v.value]),
  );
  const links = new Set((group.serviceLinks ?? []).map((l) => l.id));
  const owned = [...new Set([...ownedKeys(olds ?? { secretKeys: [], plainKeys: [] })])];
  const stateNow = (done: boolean): Record<string, unknown> => {
    const keep = done ? { secretKeys, plainKeys } : undefined;
    // Part-way, the state owns everything it may have written: old keys and new ones.
    const sk = keep?.secretKeys ?? [...new Set([...(olds?.secretKeys ?? []), ...secretKeys])];
    const pk = keep?.plainKeys ?? [
      ...new Set([...(olds?.plainKeys ?? []), ...plainKeys].filter((k) => !sk.includes(k))),
    ];
    const seen = stateFromPlatform(hashKey, sk, pk, platform);
    return {
      ownerId: news.ownerId,
      name: news.name,
      serviceIds: news.serviceIds,
      activation: news.activation,
      adopt: news.adopt,
      envGroupId: id,
      createdGroup,
      linkedServiceIds: [...linked].sort(),
      pendingActivation: [...pending].sort(),
      secretKeys: sk,
      plainKeys: pk,
      vars: seen.vars,
      hashKey: wireSecret(hashKey),
      hashes: wireSecret(seen.hashes),
    };
  };

  try {
    if (group.name !== news.name) {
      await api.call("PATCH", `/env-groups/${seg(id)}`, { body: { name: news.name } });
    }
    // Render has no bulk write for a group: one PUT per changed key, one DELETE per dropped key.
    for (const [key, value] of Object.entries(desired)) {
      if (platform[key] === value) continue;
      await api.call("PUT", `/env-groups/${seg(id)}/env-vars/${seg(key)}`, { body: { value } });
      platform[key] = value;
      changed = true;
    }
    for (const key of owned) {
      if (key in desired || platform[key] === undefined) continue;
      await api.call("DELETE", `/env-groups/${seg(id)}/env-vars/${seg(key)}`, { allow: [404] });
      delete platform[key];
      changed = true;
    }
    for (const serviceId of news.serviceIds) {
      if (links.has(serviceId)) continue;
      await api.call("POST", `/env-groups/${seg(id)}/services/${seg(serviceId)}`, {
        idempotent: true,
      });
      links.add(serviceId);
      linked.add(serviceId);
      changed = true;
    }
    for (const serviceId of [...linked]) {
      if (news.serviceIds.includes(serviceId)) continue;
      if (links.has(serviceId)) {
        await api.call("DELETE", `/env-groups/${seg(id)}/services/${seg(serviceId)}`, {
          allow: [404],
        });
        links.delete(serviceId);
      }
      linked.delete(serviceId);
    }
    if (changed) for (const s of news.serviceIds) pending.add(s);
    for (const s of [...pending]) if (!news.serviceIds.includes(s)) pending.delete(s);
    if (news.activation === "none") pending.clear();
    for (const serviceId of [...pending].sort()) {
      await renderActivate(api, serviceId, news.activation);
      pending.delete(serviceId);
    }
  } catch (err) {
    throw partialFailure(err, id, stateNow(false));
  }
  return { id, outs: stateNow(true) };
}

/**
 * The Render provider (DESIGN.md D6). Self-contained for serialization: everything it calls is in
 * this folder, its credential is read from `RENDER_API_KEY` when a method runs.
 */
export const renderProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds, news) {
    const failures = checkDeliveryInputs(news, PLATFORM_PATTERNS.envKey.re);
    return { inputs: news, failures };
  },

  async diff(_id, olds: RenderState, news: RenderInputs) {
    const pending = (reveal(olds).pendingActivation ?? []).length > 0;
    return diffDelivery(
      olds as RenderState & Record<string, unknown>,
      news as RenderInputs & Record<string, unknown>,
      { replace: ["ownerId"], update: ["name", "serviceIds", "activation", "adopt"] },
      pending,
    );
  },

  async create(inputs: RenderInputs) {
    return renderReconcile(undefined, inputs);
  },

  async update(id, olds: RenderState, news: RenderInputs) {
    const { outs } = await renderReconcile(olds, news, id);
    return { outs };
  },

  async read(id, propsIn: RenderState) {
    const props = reveal(propsIn);
    const api = renderClient([]);
    // The group the state points to; its ID becomes the resource's ID if the two differ.
    const group = await renderGetGroup(api, props.envGroupId || id);
    if (!group) return { id: "", props: {} };
    const platform = Object.fromEntries((group.envVars ?? []).map((v) => [v.key, v.value]));
    const links = new Set((group.serviceLinks ?? []).map((l) => l.id));
    const seen = stateFromPlatform(props.hashKey, props.secretKeys, props.plainKeys, platform);
    return {
      id: group.id,
      props: {
        ...props,
        envGroupId: group.id,
        name: group.name,
        // A link someone removed shows as a change of `serviceIds`, which the next update restores.
        serviceIds: (props.serviceIds ?? []).filter((s) => links.has(s)),
        vars: seen.vars,
        hashKey: wireSecret(props.hashKey),
        hashes: wireSecret(seen.hashes),
      },
    };
  },

  async delete(stateId, propsIn: RenderState) {
    const props = reveal(propsIn);
    const api = renderClient([]);
    const id = props.envGroupId || stateId;
    const group = await renderGetGroup(api, id);
    if (!group) return;
    const present = new Set((group.envVars ?? []).map((v) => v.key));
    for (const key of ownedKeys(props)) {
      if (!present.has(key)) continue;
      await api.call("DELETE", `/env-groups/${seg(id)}/env-vars/${seg(key)}`, { allow: [404] });
    }
    const after = await renderGetGroup(api, id);
    if (!after) return;
    if (props.createdGroup) {
      // Our own group goes once empty; if someone added keys of their own, it stays for them.
      if ((after.envVars ?? []).length === 0 && (after.secretFiles ?? []).length === 0) {
        await api.call("DELETE", `/env-groups/${seg(id)}`, { allow: [404] });
      }
      return;
    }
    const links = new Set((after.serviceLinks ?? []).map((l) => l.id));
    for (const serviceId of props.linkedServiceIds ?? []) {
      if (!links.has(serviceId)) continue;
      await api.call("DELETE", `/env-groups/${seg(id)}/services/${seg(serviceId)}`, {
        allow: [404],
      });
    }
  },
};

/** Arguments of {@link RenderEnvGroup}. */
export interface RenderEnvGroupArgs extends EnvGroupArgs {
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

/** The dynamic resource behind {@link RenderEnvGroup}. */
class RenderEnvGroupResource extends pulumi.dynamic.Resource {
  public readonly envGroupId!: pulumi.Output<string>;
  public readonly secretKeys!: pulumi.Output<string[]>;
  public readonly plainKeys!: pulumi.Output<string[]>;
  public readonly pendingActivation!: pulumi.Output<string[]>;

  constructor(name: string, props: Record<string, unknown>, opts: pulumi.CustomResourceOptions) {
    super(
      renderProvider,
      name,
      {
        ...props,
        envGroupId: undefined,
        secretKeys: undefined,
        plainKeys: undefined,
        pendingActivation: undefined,
      },
      opts,
      "pegasus",
      "RenderEnvGroup",
    );
  }
}

/**
 * One consumer's variables in a Render env group (the guide: "Render Environment Groups";
 * `render.yaml` holds names only), linked to that consumer's services and activated by a deploy
 * (or restart). The stack owns only the keys it sets: other keys of an adopted group stay.
 */
export class RenderEnvGroup extends pulumi.ComponentResource {
  /** Render env-group ID. */
  public readonly envGroupId: pulumi.Output<string>;
  /** Names of the variables this stack owns in the group (never values). */
  public readonly keys: pulumi.Output<string[]>;
  /** The resource that writes the group: what a later step can `dependsOn`. */
  public readonly delivery: pulumi.CustomResource;

  constructor(name: string, args: RenderEnvGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pegasus:platforms:RenderEnvGroup", name, {}, opts);
    const component = "RenderEnvGroup";
    validateEnvGroupArgs(component, args);
    requirePattern(component, "ownerId", args.ownerId, PLATFORM_PATTERNS.renderOwnerId);
    requirePattern(component, "groupName", args.groupName, PLATFORM_PATTERNS.renderGroupName);
    if (!Array.isArray(args.serviceIds) || args.serviceIds.length === 0) {
      throw new Error(`${component}: \`serviceIds\` must list at least one Render service.`);
    }
    args.serviceIds.forEach((s, i) =>
      requirePattern(component, `serviceIds[${i}]`, s, PLATFORM_PATTERNS.renderServiceId),
    );
    const activation = args.activation ?? "deploy";
    if (!["deploy", "restart", "none"].includes(activation)) {
      throw new Error(`${component}: \`activation\` must be deploy, restart or none.`);
    }
    const delivery = new RenderEnvGroupResource(
      name,
      {
        ownerId: args.ownerId,
        name: args.groupName,
        serviceIds: [...args.serviceIds],
        activation,
        adopt: args.adopt ?? false,
        vars: { ...args.vars },
        secrets: secretInputs(args.secrets),
      },
      childOptions(this, opts, DERIVED_SECRET_OUTPUTS),
    );
    this.delivery = delivery;
    this.envGroupId = delivery.envGroupId;
    this.keys = pulumi.output(deliveredKeys(args));
    this.registerOutputs({ envGroupId: this.envGroupId, keys: this.keys });
  }
}
