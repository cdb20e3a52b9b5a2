/**
 * Fake of the Render Public API (specs/render-openapi.json, brief specs/PLATFORM_APIS.md §1):
 * owners, services, environment groups with their variables, secret files and service links,
 * service-level variables and secret files, restarts and deploys. Base path `/v1`, auth
 * `Authorization: Bearer <token>`, errors `{id, message}` (components/schemas/error).
 *
 * UNCONFIRMED points and the choice made here (each is also noted where it is coded):
 * - `GET /env-groups` paging: the answer is a bare `envGroupMeta[]`, so the cursor is the `id` of
 *   the last group of the previous page. Groups are ordered by `createdAt`, then `id`. An unknown
 *   cursor answers 400.
 * - Cursors of the wrapper lists (`envVarWithCursor`, …) are opaque; items are ordered by key, and
 *   a page is the `limit` items after the cursor's item. The last page is the one shorter than
 *   `limit` (an empty page follows a full last page).
 * - Env-group names are unique per owner (a duplicate answers 400; 409 is not declared there).
 * - Deleting something that does not exist (a variable, a file, a link) answers 404.
 * - Precedence of group vs service variables: groups merge in link order, service vars win. It
 *   only matters for `effectiveEnv`, the env a deploy/restart record captures.
 * - Changing variables never starts a deploy by itself: only `POST /deploys` and `/restart` are
 *   recorded.
 * - 429 carries `Ratelimit-Limit/Remaining/Reset` with `Ratelimit-Reset` in seconds from now.
 */
import { cloneJson, isPlainObject, randomHex } from "./data";
import type { FakeServerOptions, Reply } from "./fakeTypes";
import { OpenApiContract } from "./openApiContract";
import { OpenApiFakeServer, type OperationCall, type OperationHandler } from "./openApiFake";

/** `components/schemas/serviceTypeShort`. */
export type RenderServiceType = "static" | "web" | "pserv" | "worker" | "cron";

const SERVICE_TYPES: readonly RenderServiceType[] = ["static", "web", "pserv", "worker", "cron"];

/** Constructor options of `FakeRender`. */
export interface FakeRenderOptions extends FakeServerOptions {
  /** Id of the workspace created up front (`ownerId`); generated when omitted. */
  ownerId?: string;
}

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

interface Owner {
  id: string;
  name: string;
}

interface Service {
  id: string;
  name: string;
  type: RenderServiceType;
  ownerId: string;
  envVars: Map<string, string>;
  secretFiles: Map<string, string>;
}

interface EnvGroup {
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

/**
 * Stateful fake of Render. `start()` resolves with `http://127.0.0.1:<port>/v1`, the stand-in for
 * `https://api.render.com/v1`.
 */
export class FakeRender extends OpenApiFakeServer {
  /** The workspace created up front. */
  readonly ownerId: string;

  protected readonly basePath = "/v1";
  protected readonly urlPath = "/v1";
  protected readonly platform = "Render";
  protected readonly contract = OpenApiContract.load("render");

  private readonly owners = new Map<string, Owner>();
  private readonly services = new Map<string, Service>();
  private readonly groups = new Map<string, EnvGroup>();
  private readonly deploys: RenderDeployRecord[] = [];
  private readonly restarts: RenderRestartRecord[] = [];
  private linkSeq = 0;

  protected readonly handlers: Record<string, OperationHandler> = {
    "list-owners": (c) => this.listOwners(c),
    "retrieve-owner": (c) => this.retrieveOwner(c),
    "list-env-groups": (c) => this.listEnvGroups(c),
    "create-env-group": (c) => this.createEnvGroup(c),
    "retrieve-env-group": (c) => this.withGroup(c, (g) => ok(this.groupView(g))),
    "update-env-group": (c) => this.updateEnvGroup(c),
    "delete-env-group": (c) =>
      this.withGroup(c, (g) => {
        this.groups.delete(g.id);
        return { status: 204 };
      }),
    "retrieve-env-group-env-var": (c) =>
      this.withGroup(c, (g) => {
        const value = g.vars.get(c.params.envVarKey);
        if (value === undefined) return this.errorReply(404, "env var not found");
        return ok({ key: c.params.envVarKey, value });
      }),
    "update-env-group-env-var": (c) =>
      this.withGroup(c, (g) => {
        const value = resolveValue(c.body);
        if (value === undefined) return this.errorReply(400, "generateValue must be true");
        g.vars.set(c.params.envVarKey, value);
        g.updatedAt = this.now();
        // PLATFORM_APIS.md §1: the PUT answers the whole group, every value included.
        return ok(this.groupView(g));
      }),
    "delete-env-group-env-var": (c) =>
      this.withGroup(c, (g) => {
        if (!g.vars.delete(c.params.envVarKey)) return this.errorReply(404, "env var not found");
        g.updatedAt = this.now();
        return { status: 204 };
      }),
    "retrieve-env-group-secret-file": (c) =>
      this.withGroup(c, (g) => {
        const content = g.files.get(c.params.secretFileName);
        if (content === undefined) return this.errorReply(404, "secret file not found");
        return ok({ name: c.params.secretFileName, content });
      }),
    "update-env-group-secret-file": (c) =>
      this.withGroup(c, (g) => {
        const content = isPlainObject(c.body) ? c.body.content : undefined;
        if (typeof content !== "string") return this.errorReply(400, "content is required");
        g.files.set(c.params.secretFileName, content);
        g.updatedAt = this.now();
        return ok(this.groupView(g));
      }),
    "delete-env-group-secret-file": (c) =>
      this.withGroup(c, (g) => {
        if (!g.files.delete(c.params.secretFileName)) {
          return this.errorReply(404, "secret file not found");
        }
        g.updatedAt = this.now();
        return { status: 204 };
      }),
    "link-service-to-env-group": (c) =>
      this.withGroup(c, (g) => {
        if (!this.services.has(c.params.serviceId))
          return this.errorReply(404, "service not found");
        if (!g.links.has(c.params.serviceId)) {
          g.links.set(c.params.serviceId, ++this.linkSeq);
          g.updatedAt = this.now();
        }
        return ok(this.groupView(g));
      }),
    "unlink-service-from-env-group": (c) =>
      this.withGroup(c, (g) => {
        if (!g.links.delete(c.params.serviceId)) {
          return this.errorReply(404, "service is not linked to this env group");
        }
        g.updatedAt = this.now();
        return { status: 204 };
      }),
    "get-env-vars-for-service": (c) =>
      this.withService(c, (s) =>
        this.page(c, [...s.envVars.keys()], (key) => ({
          envVar: { key, value: s.envVars.get(key) },
        })),
      ),
    "update-env-vars-for-service": (c) => this.replaceServiceEnvVars(c),
    "retrieve-env-var": (c) =>
      this.withService(c, (s) => {
        const value = s.envVars.get(c.params.envVarKey);
        if (value === undefined) return this.errorReply(404, "env var not found");
        return ok({ key: c.params.envVarKey, value });
      }),
    "update-env-var": (c) =>
      this.withService(c, (s) => {
        const value = resolveValue(c.body);
        if (value === undefined) return this.errorReply(400, "generateValue must be true");
        s.envVars.set(c.params.envVarKey, value);
        return ok({ key: c.params.envVarKey, value });
      }),
    "delete-env-var": (c) =>
      this.withService(c, (s) =>
        s.envVars.delete(c.params.envVarKey)
          ? { status: 204 }
          : this.errorReply(404, "env var not found"),
      ),
    "list-secret-files-for-service": (c) =>
      this.withService(c, (s) =>
        this.page(c, [...s.secretFiles.keys()], (name) => ({
          secretFile: { name, content: s.secretFiles.get(name) },
        })),
      ),
    "update-secret-files-for-service": (c) => this.replaceServiceSecretFiles(c),
    "retrieve-secret-file": (c) =>
      this.withService(c, (s) => {
        const content = s.secretFiles.get(c.params.secretFileName);
        if (content === undefined) return this.errorReply(404, "secret file not found");
        return ok({ name: c.params.secretFileName, content });
      }),
    "add-or-update-secret-file": (c) =>
      this.withService(c, (s) => {
        const content = isPlainObject(c.body) ? c.body.content : undefined;
        if (typeof content !== "string") return this.errorReply(400, "content is required");
        s.secretFiles.set(c.params.secretFileName, content);
        // PLATFORM_APIS.md §1: this PUT answers 201 with the file.
        return { status: 201, body: { name: c.params.secretFileName, content } };
      }),
    "delete-secret-file": (c) =>
      this.withService(c, (s) =>
        s.secretFiles.delete(c.params.secretFileName)
          ? { status: 204 }
          : this.errorReply(404, "secret file not found"),
      ),
    "restart-service": (c) =>
      this.withService(c, (s) => {
        // render-openapi.json restart-service: "Not supported for cron jobs."
        if (s.type === "cron")
          return this.errorReply(400, "restart is not supported for cron jobs");
        this.restarts.push({ serviceId: s.id, at: this.now(), env: this.effectiveEnv(s.id) });
        return { status: 200 };
      }),
    "create-deploy": (c) => this.createDeploy(c),
    "list-deploys": (c) =>
      this.withService(c, (s) => {
        const mine = this.deploys.filter((d) => d.serviceId === s.id).reverse();
        return this.page(
          c,
          mine.map((d) => d.id),
          (id) => ({
            deploy: this.deployView(mine.find((d) => d.id === id)!),
          }),
          false,
        );
      }),
    "retrieve-deploy": (c) =>
      this.withService(c, (s) => {
        const deploy = this.deploys.find((d) => d.serviceId === s.id && d.id === c.params.deployId);
        return deploy ? ok(this.deployView(deploy)) : this.errorReply(404, "deploy not found");
      }),
  };

  constructor(options: FakeRenderOptions = {}) {
    super(options);
    this.ownerId = this.addOwner(options.ownerId);
  }

  // ---------------------------------------------------------------------------------------------
  // Test helpers (no HTTP).

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

  /** Variables of a group (a copy). Throws if the group does not exist. */
  envGroupVars(groupId: string): Record<string, string> {
    return Object.fromEntries(this.group(groupId).vars);
  }

  /** Secret files of a group, name → content (a copy). */
  envGroupSecretFiles(groupId: string): Record<string, string> {
    return Object.fromEntries(this.group(groupId).files);
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

  /** Whether the group exists. */
  hasEnvGroup(groupId: string): boolean {
    return this.groups.has(groupId);
  }

  /**
   * A human edits a group variable in the dashboard (drift tests): sets it, or deletes it when
   * `value` is undefined. Bumps `updatedAt` like a real change.
   */
  setVarOutOfBand(groupId: string, key: string, value: string | undefined): void {
    const group = this.group(groupId);
    if (value === undefined) group.vars.delete(key);
    else group.vars.set(key, value);
    group.updatedAt = this.now();
  }

  /** A human deletes a group in the dashboard (its variables and links go with it). */
  deleteEnvGroupOutOfBand(groupId: string): void {
    this.group(groupId);
    this.groups.delete(groupId);
  }

  /** Service-level variables (a copy). */
  serviceEnvVars(serviceId: string): Record<string, string> {
    return Object.fromEntries(this.service(serviceId).envVars);
  }

  /** Service-level secret files, name → content (a copy). */
  serviceSecretFiles(serviceId: string): Record<string, string> {
    return Object.fromEntries(this.service(serviceId).secretFiles);
  }

  /** A human edits a service variable in the dashboard; undefined deletes it. */
  setServiceVarOutOfBand(serviceId: string, key: string, value: string | undefined): void {
    const service = this.service(serviceId);
    if (value === undefined) service.envVars.delete(key);
    else service.envVars.set(key, value);
  }

  /** Deploys started for a service, oldest first (copies). */
  deploysFor(serviceId: string): RenderDeployRecord[] {
    return cloneJson(this.deploys.filter((d) => d.serviceId === serviceId));
  }

  /** Restarts of a service, oldest first (copies). */
  restartsFor(serviceId: string): RenderRestartRecord[] {
    return cloneJson(this.restarts.filter((r) => r.serviceId === serviceId));
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

  // ---------------------------------------------------------------------------------------------
  // Platform behaviour.

  protected errorReply(status: number, message: string): Reply {
    // components/schemas/error: {id, message}.
    return { status, body: { id: errorId(status), message } };
  }

  protected defaultFaultHeaders(status: number): Record<string, string> {
    // Rate-limiting doc: Ratelimit-Limit/Remaining/Reset; no Retry-After is documented.
    if (status !== 429) return {};
    return { "Ratelimit-Limit": "30", "Ratelimit-Remaining": "0", "Ratelimit-Reset": "1" };
  }

  private listOwners(c: OperationCall): Reply {
    const names = c.query.name as string[] | undefined;
    const owners = [...this.owners.values()].filter((o) => !names || names.includes(o.name));
    return this.page(
      c,
      owners.map((o) => o.id),
      (id) => ({ owner: this.ownerView(id) }),
      false,
    );
  }

  private retrieveOwner(c: OperationCall): Reply {
    return this.owners.has(c.params.ownerId)
      ? ok(this.ownerView(c.params.ownerId))
      : this.errorReply(404, "owner not found");
  }

  private ownerView(id: string): Record<string, unknown> {
    const owner = this.owners.get(id)!;
    return { id, name: owner.name, email: "owner@example.invalid", type: "team" };
  }

  private listEnvGroups(c: OperationCall): Reply {
    const q = c.query;
    const names = q.name as string[] | undefined;
    const owners = q.ownerId as string[] | undefined;
    const environments = q.environmentId as string[] | undefined;
    const time = (key: string) => (typeof q[key] === "string" ? Date.parse(q[key] as string) : NaN);
    const createdBefore = time("createdBefore");
    const createdAfter = time("createdAfter");
    const updatedBefore = time("updatedBefore");
    const updatedAfter = time("updatedAfter");
    const matches = [...this.groups.values()]
      .filter((g) => !names || names.includes(g.name))
      .filter((g) => !owners || owners.includes(g.ownerId))
      .filter(
        (g) =>
          !environments ||
          (g.environmentId !== undefined && environments.includes(g.environmentId)),
      )
      .filter((g) => Number.isNaN(createdBefore) || Date.parse(g.createdAt) < createdBefore)
      .filter((g) => Number.isNaN(createdAfter) || Date.parse(g.createdAt) > createdAfter)
      .filter((g) => Number.isNaN(updatedBefore) || Date.parse(g.updatedAt) < updatedBefore)
      .filter((g) => Number.isNaN(updatedAfter) || Date.parse(g.updatedAt) > updatedAfter)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    // UNCONFIRMED paging (PLATFORM_APIS.md §1 caveat): the answer has no cursor wrapper, so the
    // cursor is the id of the last group of the previous page.
    let start = 0;
    if (typeof q.cursor === "string") {
      const index = matches.findIndex((g) => g.id === q.cursor);
      if (index < 0) return this.errorReply(400, "invalid cursor");
      start = index + 1;
    }
    const limit = typeof q.limit === "number" ? q.limit : 20;
    return ok(matches.slice(start, start + limit).map((g) => this.metaView(g)));
  }

  private createEnvGroup(c: OperationCall): Reply {
    const body = c.body as {
      name: string;
      ownerId: string;
      envVars: unknown[];
      secretFiles?: Array<{ name: string; content: string }>;
      serviceIds?: string[];
      environmentId?: string;
    };
    if (!this.owners.has(body.ownerId)) return this.errorReply(404, "owner not found");
    if (this.envGroupIdsByName(body.name, body.ownerId).length > 0) {
      return this.errorReply(400, `an environment group named "${body.name}" already exists`);
    }
    const vars = new Map<string, string>();
    for (const input of body.envVars) {
      const key = (input as { key: string }).key;
      if (vars.has(key)) return this.errorReply(400, `duplicate env var key "${key}"`);
      const value = resolveValue(input);
      if (value === undefined)
        return this.errorReply(400, `generateValue of "${key}" must be true`);
      vars.set(key, value);
    }
    const files = new Map<string, string>();
    for (const file of body.secretFiles ?? []) {
      if (files.has(file.name)) return this.errorReply(400, `duplicate secret file "${file.name}"`);
      files.set(file.name, file.content);
    }
    for (const serviceId of body.serviceIds ?? []) {
      if (!this.services.has(serviceId))
        return this.errorReply(404, `service ${serviceId} not found`);
    }
    const id = this.seedEnvGroup({
      name: body.name,
      ownerId: body.ownerId,
      environmentId: body.environmentId,
      serviceIds: body.serviceIds,
    });
    const group = this.group(id);
    group.vars = vars;
    group.files = files;
    return { status: 201, body: this.groupView(group) };
  }

  private updateEnvGroup(c: OperationCall): Reply {
    return this.withGroup(c, (g) => {
      const name = (c.body as { name: string }).name;
      if (name !== g.name && this.envGroupIdsByName(name, g.ownerId).length > 0) {
        return this.errorReply(400, `an environment group named "${name}" already exists`);
      }
      g.name = name;
      g.updatedAt = this.now();
      return ok(this.groupView(g));
    });
  }

  private replaceServiceEnvVars(c: OperationCall): Reply {
    return this.withService(c, (s) => {
      const next = new Map<string, string>();
      for (const input of c.body as unknown[]) {
        const key = (input as { key: string }).key;
        if (next.has(key)) return this.errorReply(400, `duplicate env var key "${key}"`);
        const value = resolveValue(input);
        if (value === undefined)
          return this.errorReply(400, `generateValue of "${key}" must be true`);
        next.set(key, value);
      }
      s.envVars = next;
      // The replace-all answer is the whole new list, not paged.
      return ok(
        sortedKeys(next).map((key) => ({
          cursor: encodeCursor(key),
          envVar: { key, value: next.get(key) },
        })),
      );
    });
  }

  private replaceServiceSecretFiles(c: OperationCall): Reply {
    return this.withService(c, (s) => {
      const next = new Map<string, string>();
      for (const file of c.body as Array<{ name: string; content: string }>) {
        if (next.has(file.name))
          return this.errorReply(400, `duplicate secret file "${file.name}"`);
        next.set(file.name, file.content);
      }
      // PLATFORM_APIS.md §1: files left out are deleted.
      s.secretFiles = next;
      return ok(
        sortedKeys(next).map((name) => ({
          cursor: encodeCursor(name),
          secretFile: { name, content: next.get(name) },
        })),
      );
    });
  }

  private createDeploy(c: OperationCall): Reply {
    return this.withService(c, (s) => {
      const body = (c.body ?? {}) as { clearCache?: string; commitId?: string; imageUrl?: string };
      const record: RenderDeployRecord = {
        id: `dep-${randomHex(10)}`,
        serviceId: s.id,
        createdAt: this.now(),
        env: this.effectiveEnv(s.id),
      };
      if (body.clearCache !== undefined) record.clearCache = body.clearCache;
      if (body.commitId !== undefined) record.commitId = body.commitId;
      if (body.imageUrl !== undefined) record.imageUrl = body.imageUrl;
      this.deploys.push(record);
      // PLATFORM_APIS.md §1: 201 with a `deploy` (the 202 "Queued" variant is not used).
      return { status: 201, body: this.deployView(record, "created") };
    });
  }

  private deployView(d: RenderDeployRecord, status = "live"): Record<string, unknown> {
    const view: Record<string, unknown> = {
      id: d.id,
      status,
      trigger: "api",
      createdAt: d.createdAt,
      updatedAt: d.createdAt,
    };
    if (d.commitId !== undefined) view.commit = { id: d.commitId };
    if (d.imageUrl !== undefined) view.image = { ref: d.imageUrl };
    return view;
  }

  /**
   * A page of a cursor-wrapped list. Items are ordered by key (unless `sort` is false) and the
   * cursor is opaque; a page is the `limit` items after the cursor's item.
   */
  private page(
    c: OperationCall,
    keys: string[],
    wrap: (key: string) => Record<string, unknown>,
    sort = true,
  ): Reply {
    const ordered = sort ? [...keys].sort() : keys;
    let start = 0;
    const cursor = c.query.cursor;
    if (typeof cursor === "string") {
      const key = decodeCursor(cursor);
      if (key === undefined) return this.errorReply(400, "invalid cursor");
      const index = ordered.indexOf(key);
      start = index >= 0 ? index + 1 : sort ? ordered.filter((k) => k <= key).length : -1;
      if (start < 0) return this.errorReply(400, "invalid cursor");
    }
    const limit = typeof c.query.limit === "number" ? c.query.limit : 20;
    return ok(
      ordered
        .slice(start, start + limit)
        .map((key) => ({ cursor: encodeCursor(key), ...wrap(key) })),
    );
  }

  private withGroup(c: OperationCall, fn: (group: EnvGroup) => Reply): Reply {
    const group = this.groups.get(c.params.envGroupId);
    return group ? fn(group) : this.errorReply(404, "env group not found");
  }

  private withService(c: OperationCall, fn: (service: Service) => Reply): Reply {
    const service = this.services.get(c.params.serviceId);
    return service ? fn(service) : this.errorReply(404, "service not found");
  }

  private group(groupId: string): EnvGroup {
    const group = this.groups.get(groupId);
    if (!group) throw new Error(`FakeRender: no env group ${groupId}`);
    return group;
  }

  private service(serviceId: string): Service {
    const service = this.services.get(serviceId);
    if (!service) throw new Error(`FakeRender: no service ${serviceId}`);
    return service;
  }

  /** components/schemas/envGroupMeta. */
  private metaView(g: EnvGroup): Record<string, unknown> {
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
  private groupView(g: EnvGroup): Record<string, unknown> {
    return {
      ...this.metaView(g),
      envVars: [...g.vars].map(([key, value]) => ({ key, value })),
      secretFiles: [...g.files].map(([name, content]) => ({ name, content })),
    };
  }
}

function ok(body: unknown): Reply {
  return { status: 200, body };
}

/** `{value}` → value; `{generateValue: true}` → a generated value (Render generates it). */
function resolveValue(input: unknown): string | undefined {
  if (!isPlainObject(input)) return undefined;
  if (typeof input.value === "string") return input.value;
  if (input.generateValue === true) return randomHex(16);
  return undefined;
}

function sortedKeys(map: Map<string, string>): string[] {
  return [...map.keys()].sort();
}

function encodeCursor(key: string): string {
  return Buffer.from(key, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(cursor)) return undefined;
  return Buffer.from(cursor, "base64url").toString("utf8");
}

function errorId(status: number): string {
  const ids: Record<number, string> = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    406: "not_acceptable",
    409: "conflict",
    410: "gone",
    413: "payload_too_large",
    429: "rate_limited",
    500: "internal_error",
    501: "not_implemented",
    503: "service_unavailable",
  };
  return ids[status] ?? `http_${status}`;
}
