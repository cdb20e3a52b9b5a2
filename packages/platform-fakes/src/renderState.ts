/**
 * The state of the Render fake: workspaces, services with their variables and secret files,
 * environment groups with their variables, secret files and service links, deploys and restarts.
 * Also the lookups and the JSON views (components/schemas) that the routes and the test helpers
 * share. No HTTP here.
 */
import { randomHex } from "./data";

/** `components/schemas/serviceTypeShort`. */
export type RenderServiceType = "static" | "web" | "pserv" | "worker" | "cron";

/** Every service type, to check seeds. */
export const SERVICE_TYPES: readonly RenderServiceType[] = [
  "static",
  "web",
  "pserv",
  "worker",
  "cron",
];

/** A service as seeded by a test. */
export interface RenderServiceSeed {
  id: string;
  name: string;
  type: RenderServiceType;
  /** Defaults to the fake's `ownerId`. */
  ownerId?: string;
  /** Service-level variables to start with. */
  envVars?: Record<string, string>;
}

/** An environment group as seeded by a test. */
export interface RenderEnvGroupSeed {
  /** Generated (`evg-…`) when omitted. */
  id?: string;
  name: string;
  /** Defaults to the fake's `ownerId`. */
  ownerId?: string;
  environmentId?: string;
  vars?: Record<string, string>;
  secretFiles?: Record<string, string>;
  /** Services to link, in this order. */
  serviceIds?: string[];
}

/** A deploy started through `POST /services/{serviceId}/deploys`. */
export interface RenderDeployRecord {
  id: string;
  serviceId: string;
  clearCache?: string;
  commitId?: string;
  imageUrl?: string;
  createdAt: string;
  /** The env the deploy would run with (group vars in link order, then service vars). */
  env: Record<string, string>;
}

/** A restart through `POST /services/{serviceId}/restart`. */
export interface RenderRestartRecord {
  serviceId: string;
  at: string;
  env: Record<string, string>;
}

/** A workspace. */
export interface Owner {
  id: string;
  name: string;
}

/** A service with its own variables and secret files. */
export interface Service {
  id: string;
  name: string;
  type: RenderServiceType;
  ownerId: string;
  envVars: Map<string, string>;
  secretFiles: Map<string, string>;
}

/** An environment group with its variables, secret files and links. */
export interface EnvGroup {
  id: string;
  name: string;
  ownerId: string;
  environmentId?: string;
  createdAt: string;
  updatedAt: string;
  vars: Map<string, string>;
  files: Map<string, string>;
  /** serviceId → link sequence number (link order). */
  links: Map<string, number>;
}

/** Everything the Render fake holds; `now` is the fake's clock (strictly increasing timestamps). */
export class RenderState {
  /** The workspace created up front. */
  readonly ownerId: string;
  readonly owners = new Map<string, Owner>();
  readonly services = new Map<string, Service>();
  readonly groups = new Map<string, EnvGroup>();
  readonly deploys: RenderDeployRecord[] = [];
  readonly restarts: RenderRestartRecord[] = [];
  readonly now: () => string;
  private linkSeq = 0;

  constructor(now: () => string, ownerId?: string) {
    this.now = now;
    this.ownerId = this.addOwner(ownerId);
  }

  /** Adds a workspace; returns its id (generated `tea-…` when omitted). */
  addOwner(id: string = `tea-${randomHex(10)}`, name = `workspace ${id}`): string {
    this.owners.set(id, { id, name });
    return id;
  }

  /** Adds a service (it must exist before a group can link it). */
  addService(seed: RenderServiceSeed): void {
    if (!SERVICE_TYPES.includes(seed.type)) throw new Error(`unknown Render service type`);
    const ownerId = seed.ownerId ?? this.ownerId;
    if (!this.owners.has(ownerId)) this.addOwner(ownerId);
    this.services.set(seed.id, {
      id: seed.id,
      name: seed.name,
      type: seed.type,
      ownerId,
      envVars: new Map(Object.entries(seed.envVars ?? {})),
      secretFiles: new Map(),
    });
  }

  /** Creates an env group directly; returns its id. */
  seedEnvGroup(seed: RenderEnvGroupSeed): string {
    const ownerId = seed.ownerId ?? this.ownerId;
    if (!this.owners.has(ownerId)) this.addOwner(ownerId);
    const at = this.now();
    const group: EnvGroup = {
      id: seed.id ?? `evg-${randomHex(10)}`,
      name: seed.name,
      ownerId,
      environmentId: seed.environmentId,
      createdAt: at,
      updatedAt: at,
      vars: new Map(Object.entries(seed.vars ?? {})),
      files: new Map(Object.entries(seed.secretFiles ?? {})),
      links: new Map(),
    };
    for (const serviceId of seed.serviceIds ?? []) {
      if (!this.services.has(serviceId))
        throw new Error(`seedEnvGroup: unknown service ${serviceId}`);
      group.links.set(serviceId, ++this.linkSeq);
    }
    this.groups.set(group.id, group);
    return group.id;
  }

  /** Ids of the services linked to a group, in link order. */
  envGroupLinks(groupId: string): string[] {
    return [...this.group(groupId).links.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id);
  }

  /** Ids of the groups with this name (any owner unless given). */
  envGroupIdsByName(name: string, ownerId?: string): string[] {
    return [...this.groups.values()]
      .filter((g) => g.name === name && (ownerId === undefined || g.ownerId === ownerId))
      .map((g) => g.id);
  }

  /**
   * The env a service would run with: linked groups merged in link order, then service variables
   * (UNCONFIRMED precedence, PLATFORM_APIS.md §1; chosen: the service wins).
   */
  effectiveEnv(serviceId: string): Record<string, string> {
    this.service(serviceId);
    const linked = [...this.groups.values()]
      .filter((g) => g.links.has(serviceId))
      .sort((a, b) => (a.links.get(serviceId) ?? 0) - (b.links.get(serviceId) ?? 0));
    const env: Record<string, string> = {};
    for (const g of linked) Object.assign(env, Object.fromEntries(g.vars));
    Object.assign(env, Object.fromEntries(this.service(serviceId).envVars));
    return env;
  }

  /** The next link sequence number: links keep the order they were made in. */
  nextLink(): number {
    return ++this.linkSeq;
  }

  /** The group; throws when it does not exist. */
  group(groupId: string): EnvGroup {
    const group = this.groups.get(groupId);
    if (!group) throw new Error(`FakeRender: no env group ${groupId}`);
    return group;
  }

  /** The service; throws when it does not exist. */
  service(serviceId: string): Service {
    const service = this.services.get(serviceId);
    if (!service) throw new Error(`FakeRender: no service ${serviceId}`);
    return service;
  }

  /** components/schemas/owner. */
  ownerView(id: string): Record<string, unknown> {
    const owner = this.owners.get(id)!;
    return { id, name: owner.name, email: "owner@example.invalid", type: "team" };
  }

  /** components/schemas/envGroupMeta. */
  metaView(g: EnvGroup): Record<string, unknown> {
    const view: Record<string, unknown> = {
      id: g.id,
      name: g.name,
      ownerId: g.ownerId,
      createdAt: g.createdAt,
      updatedAt: g.updatedAt,
      serviceLinks: this.envGroupLinks(g.id).map((id) => {
        const s = this.services.get(id)!;
        return { id: s.id, name: s.name, type: s.type };
      }),
    };
    if (g.environmentId !== undefined) view.environmentId = g.environmentId;
    return view;
  }

  /** components/schemas/envGroup = envGroupMeta + envVars + secretFiles. */
  groupView(g: EnvGroup): Record<string, unknown> {
    return {
      ...this.metaView(g),
      envVars: [...g.vars].map(([key, value]) => ({ key, value })),
      secretFiles: [...g.files].map(([name, content]) => ({ name, content })),
    };
  }
}
