/**
 * The Fly adapter of the delivery engine, and its provider: what writes a Fly.io app's secrets. This module
 * and what it imports are bundled into the provider each FlyAppSecrets stores (`../delivery/packaged.ts`),
 * so it imports Node.js built-ins and the pure layers only, never Pulumi.
 */
import type { FLY_ACTIVATIONS } from "../../model/targets";
import { baseUrl, credential, platformClient, PlatformClient, seg } from "../delivery/client";
import type { Adapter, StateOf } from "../delivery/adapter";
import { deliveryProvider } from "../delivery/provider";
import type { DeliveryInputs } from "../delivery/state";

/** How Fly machines pick up new secrets: updated with `min_secrets_version`, or staged only. */
export type FlyActivation = (typeof FLY_ACTIVATIONS)[number];

/** Inputs of the Fly dynamic resource. */
export interface FlyInputs extends DeliveryInputs {
  app: string;
  activation: FlyActivation;
}

/** What the Fly delivery keeps of its own. Fly never returns values, so drift is read from digests. */
interface FlyOwn {
  /** Fly's digest of each owned key right after this stack wrote it (secret in state). */
  digests: Record<string, string>;
  /** The app's secrets version after this stack's last write. */
  secretsVersion: number;
  /** Machines still to update after a run that stopped part-way (`*`: every live machine). */
  pendingMachineIds: string[];
}

/** State of the Fly dynamic resource. */
export type FlyState = StateOf<FlyInputs, FlyOwn>;

/** An app secret as the API lists it (spec `AppSecret`): never its value. */
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
/** In `pendingMachineIds`: every live machine of the app still has to be updated. */
const FLY_ALL_MACHINES = "*";

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

/**
 * Fly.io (DESIGN.md D6): app secrets through the bulk endpoint, then the app's machines updated
 * with `min_secrets_version`. Fly cannot show values, so what to write comes from the keyed hashes
 * in state, and drift from the digest Fly reported right after this stack's write.
 */
export const flyAdapter: Adapter<FlyInputs, FlyOwn, PlatformClient, Map<string, FlySecretMeta>> = {
  platform: FLY_PLATFORM,
  replaceOn: ["app"],
  updateOn: [],
  own: { digests: {}, secretsVersion: 0, pendingMachineIds: [] },
  secretOwn: ["digests"],
  pendingField: "pendingMachineIds",
  connect: flyClient,

  async read(api, at) {
    const app = "create" in at ? at.create.app : (at.state.app ?? at.id);
    const metas = await flyListSecrets(api, app);
    return metas && { id: app, keys: [...metas.keys()], detail: metas };
  },

  absent(news) {
    throw new Error(
      `Fly.io app "${news.app}" was not found, or FLY_API_TOKEN cannot see it. Create the app (fly apps create ${news.app}) or fix \`targets.fly.apps\`.`,
    );
  },

  refuse(news, found) {
    const clash = Object.keys({ ...news.vars, ...news.secrets }).filter((k) => found.detail.has(k));
    return clash.length > 0
      ? `Fly.io app "${news.app}" already has secrets this stack would own: ${clash.sort().join(", ")}. To take them over (every other secret of the app stays), set \`targets.fly.adopt: true\` in the stack config, or unset them (fly secrets unset --stage ... -a ${news.app}).`
      : undefined;
  },

  gone: (id, state) => ({
    what: `Fly.io app "${state.app ?? id}"`,
    then: `create the app again (fly apps create ${state.app ?? id}) and run \`pulumi up\``,
  }),

  async write(api, job) {
    const { news, own } = job;
    if (job.set.length === 0 && job.remove.length === 0) return;
    // One bulk call: sets and unsets (null) together, one new secrets version.
    const values: Record<string, string | null> = {};
    for (const k of job.set) values[k] = job.desired[k];
    for (const k of job.remove) values[k] = null;
    for (const k of [...job.set, ...job.remove]) delete own.digests[k];
    const res = await api.call("POST", `/apps/${seg(news.app)}/secrets`, {
      body: { values },
      // Setting the same values again is harmless, so a lost answer may be retried.
      idempotent: true,
    });
    job.wrote(job.set);
    job.removed(job.remove);
    if (news.activation !== "stage") own.pendingMachineIds = [FLY_ALL_MACHINES];
    const body = (res.body ?? {}) as {
      version?: number;
      Version?: number;
      secrets?: FlySecretMeta[];
    };
    own.secretsVersion = Number(body.version ?? body.Version ?? own.secretsVersion + 1);
    let metas = new Map((body.secrets ?? []).map((s) => [s.name, s]));
    if (job.set.some((k) => !metas.get(k)?.digest)) {
      metas = (await flyListSecrets(api, news.app)) ?? new Map();
    }
    for (const k of job.set) {
      const digest = metas.get(k)?.digest;
      if (digest) own.digests[k] = digest;
    }
  },

  async activate(api, job) {
    const { news, own } = job;
    if (news.activation === "stage") {
      // Staged: machines keep their secrets until the next deploy or `fly secrets deploy`.
      own.pendingMachineIds = [];
      return;
    }
    if (own.pendingMachineIds.length === 0) return;
    const pending = new Set(own.pendingMachineIds);
    try {
      await flyUpdateMachines(api, news.app, own.secretsVersion, pending);
    } finally {
      own.pendingMachineIds = [...pending].sort();
    }
  },

  refresh(state, found) {
    // Values cannot be read back: a key that is gone, or whose digest changed since this stack
    // wrote it, counts as drift, so the next `pulumi up` writes it again.
    const digests = state.digests ?? {};
    const stale = [...(state.secretKeys ?? []), ...(state.plainKeys ?? [])].filter((k) => {
      const meta = found.detail.get(k);
      return !meta || (digests[k] !== undefined && meta.digest !== digests[k]);
    });
    return { stale };
  },

  async remove(api, { id, state, keys }) {
    if (keys.length === 0) return;
    // One bulk unset of the owned keys only; unsetting a missing one is not an error on Fly.
    await api.call("POST", `/apps/${seg(state.app ?? id)}/secrets`, {
      body: { values: Object.fromEntries(keys.map((k) => [k, null])) },
      idempotent: true,
      allow: [404],
    });
  },
};

/** The Fly.io provider: the delivery engine around {@link flyAdapter}. */
export const flyProvider = deliveryProvider(flyAdapter);
