/**
 * The Render adapter of the delivery engine, and its provider: what writes a Render env group. This module
 * and what it imports are bundled into the provider each RenderEnvGroup stores (`../delivery/packaged.ts`),
 * so it imports Node.js built-ins and the pure layers only, never Pulumi.
 */
import type { RENDER_ACTIVATIONS } from "../../model/targets";
import { baseUrl, credential, platformClient, PlatformClient, seg } from "../delivery/client";
import type { Adapter, Current, StateOf } from "../delivery/adapter";
import { deliveryProvider } from "../delivery/provider";
import type { DeliveryInputs } from "../delivery/state";

/** How Render services pick up a changed group. */
export type RenderActivation = (typeof RENDER_ACTIVATIONS)[number];

/** Inputs of the Render dynamic resource (what the component passes). */
export interface RenderInputs extends DeliveryInputs {
  ownerId: string;
  /** Env-group name (physical name). */
  name: string;
  serviceIds: string[];
  activation: RenderActivation;
}

/** What the Render delivery keeps of its own. */
interface RenderOwn {
  envGroupId: string;
  /** Whether this stack created the group (then it deletes it once empty); false when adopted. */
  createdGroup: boolean;
  /** Service links this stack made (only these are ever unlinked). */
  linkedServiceIds: string[];
  /** Services still to deploy/restart after a run that stopped part-way. */
  pendingActivation: string[];
}

/** State of the Render dynamic resource: names, IDs and keyed hashes; never a secret value. */
export type RenderState = StateOf<RenderInputs, RenderOwn>;

/** An env group as the API answers it (spec `envGroup`). */
interface EnvGroup {
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

async function renderGetGroup(api: PlatformClient, id: string): Promise<EnvGroup | undefined> {
  const res = await api.call("GET", groupPath(id), { allow: [404] });
  return res.status === 404 ? undefined : (res.body as EnvGroup);
}

/** The group of this name in this workspace, if one exists. */
async function renderFindGroup(
  api: PlatformClient,
  ownerId: string,
  name: string,
): Promise<EnvGroup | undefined> {
  const query = `ownerId=${seg(ownerId)}&name=${seg(name)}&limit=100`;
  const res = await api.call("GET", `/env-groups?${query}`);
  const found = (Array.isArray(res.body) ? (res.body as EnvGroup[]) : []).filter(
    (g) => g && g.name === name && g.ownerId === ownerId,
  );
  if (found.length > 1) {
    throw new Error(
      `Render workspace ${ownerId} has ${found.length} env groups named "${name}"; this stack can adopt only one. Rename or delete the extra ones in the Render dashboard.`,
    );
  }
  return found.length === 1 ? renderGetGroup(api, found[0].id) : undefined;
}

const currentOf = (group: EnvGroup): Current<EnvGroup | undefined> => {
  const values = Object.fromEntries((group.envVars ?? []).map((v) => [v.key, v.value]));
  return { id: group.id, keys: Object.keys(values), values, detail: group };
};
const linksOf = (group: EnvGroup | undefined): Set<string> =>
  new Set((group?.serviceLinks ?? []).map((l) => l.id));
/** `/env-groups/{id}`, or a path inside the group: `groupPath(id, "env-vars", key)`. */
const groupPath = (id: string, ...rest: string[]): string =>
  ["/env-groups", ...[id, ...rest].map(seg)].join("/");
const unlink = (api: PlatformClient, id: string, serviceId: string) =>
  api.call("DELETE", groupPath(id, "services", serviceId), { allow: [404] });

/**
 * Makes a service pick up the group: a deploy, or a restart. Explicit, because whether an env
 * change deploys by itself is UNCONFIRMED (PLATFORM_APIS §1).
 */
async function renderActivate(api: PlatformClient, serviceId: string, activation: string) {
  const service = `/services/${seg(serviceId)}`;
  if (activation === "deploy") {
    await api.call("POST", `${service}/deploys`, { body: { clearCache: "do_not_clear" } });
  } else if (activation === "restart") {
    await api.call("POST", `${service}/restart`);
  }
}

/**
 * Render (DESIGN.md D6): one env group per stack and consumer, linked to the consumer's services.
 * The group is created with every variable and link in one call; after that Render has no bulk
 * write for a group, so each changed key is one PUT and each dropped key one DELETE.
 */
export const renderAdapter: Adapter<RenderInputs, RenderOwn, PlatformClient, EnvGroup | undefined> =
  {
    platform: RENDER_PLATFORM,
    replaceOn: ["ownerId"],
    updateOn: ["name", "serviceIds"],
    own: { envGroupId: "", createdGroup: false, linkedServiceIds: [], pendingActivation: [] },
    secretOwn: [],
    pendingField: "pendingActivation",
    connect: renderClient,

    async read(api, at) {
      const group =
        "create" in at
          ? await renderFindGroup(api, at.create.ownerId, at.create.name)
          : await renderGetGroup(api, at.state.envGroupId || at.id);
      return group && currentOf(group);
    },

    absent: () => ({ id: "", keys: [], values: {}, detail: undefined }),

    refuse: (news, found) =>
      found.id
        ? `Render env group "${news.name}" already exists in workspace ${news.ownerId} and this stack does not own it. To take it over (this stack then owns only the keys it sets; every other key stays), set \`targets.render.adopt: true\` in the stack config, or delete or rename that group.`
        : undefined,

    gone: (id, state) => ({
      what: `Render env group ${state.envGroupId || id} ("${state.name}")`,
      then: "`pulumi up` creates the group again",
    }),

    async write(api, job) {
      const { news, own } = job;
      const linked = new Set(own.linkedServiceIds);
      let group = job.found.detail;
      let changed = false;
      if (!job.id) {
        const res = await api.call("POST", "/env-groups", {
          body: {
            name: news.name,
            ownerId: news.ownerId,
            envVars: Object.entries(job.desired).map(([key, value]) => ({ key, value })),
            serviceIds: news.serviceIds,
          },
        });
        group = res.body as EnvGroup;
        job.created(group.id);
        own.createdGroup = true;
        job.wrote(job.set);
        for (const s of news.serviceIds) linked.add(s);
        own.linkedServiceIds = [...linked].sort();
        changed = true;
      } else {
        if (group && group.name !== news.name) {
          await api.call("PATCH", groupPath(job.id), { body: { name: news.name } });
        }
        for (const key of job.set) {
          const body = { value: job.desired[key] };
          await api.call("PUT", groupPath(job.id, "env-vars", key), { body });
          job.wrote([key]);
          changed = true;
        }
        for (const key of job.remove) {
          await api.call("DELETE", groupPath(job.id, "env-vars", key), { allow: [404] });
          job.removed([key]);
          changed = true;
        }
      }
      own.envGroupId = job.id;
      const links = linksOf(group);
      for (const serviceId of news.serviceIds) {
        if (links.has(serviceId)) continue;
        const link = groupPath(job.id, "services", serviceId);
        await api.call("POST", link, { idempotent: true });
        links.add(serviceId);
        linked.add(serviceId);
        own.linkedServiceIds = [...linked].sort();
        changed = true;
      }
      for (const serviceId of [...linked]) {
        if (news.serviceIds.includes(serviceId)) continue;
        if (links.has(serviceId)) {
          await unlink(api, job.id, serviceId);
          links.delete(serviceId);
        }
        linked.delete(serviceId);
        own.linkedServiceIds = [...linked].sort();
      }
      if (changed)
        own.pendingActivation = [...new Set([...own.pendingActivation, ...news.serviceIds])];
    },

    async activate(api, job) {
      const { news, own } = job;
      const pending = new Set(own.pendingActivation.filter((s) => news.serviceIds.includes(s)));
      // `none`: nothing is owed; the services pick the group up at their next deploy.
      if (news.activation === "none") pending.clear();
      own.pendingActivation = [...pending].sort();
      for (const serviceId of [...pending].sort()) {
        await renderActivate(api, serviceId, news.activation);
        pending.delete(serviceId);
        own.pendingActivation = [...pending].sort();
      }
    },

    refresh(state, found) {
      // A link someone removed shows as a change of `serviceIds`, which the next update restores.
      const links = linksOf(found.detail);
      return {
        props: {
          envGroupId: found.id,
          name: found.detail?.name ?? state.name,
          serviceIds: (state.serviceIds ?? []).filter((s) => links.has(s)),
        },
      };
    },

    async remove(api, { id, state, keys }) {
      for (const key of keys) {
        await api.call("DELETE", groupPath(id, "env-vars", key), { allow: [404] });
      }
      const after = await renderGetGroup(api, id);
      if (!after) return;
      if (state.createdGroup) {
        // Our own group goes once empty; if someone added keys of their own, it stays for them.
        if ((after.envVars ?? []).length === 0 && (after.secretFiles ?? []).length === 0) {
          await api.call("DELETE", groupPath(id), { allow: [404] });
        }
        return;
      }
      const links = linksOf(after);
      for (const serviceId of state.linkedServiceIds ?? []) {
        if (links.has(serviceId)) await unlink(api, id, serviceId);
      }
    },
  };

/** The Render provider: the delivery engine around {@link renderAdapter}. */
export const renderProvider = deliveryProvider(renderAdapter);
