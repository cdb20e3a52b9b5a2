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
 *
 * This file is the fake itself and its test helpers; the state is in renderState.ts, the routes
 * in renderGroupRoutes.ts and renderServiceRoutes.ts.
 */
import { cloneJson } from "./data";
import type { FakeServerOptions, Reply } from "./fakeTypes";
import { OpenApiContract } from "./openApiContract";
import { OpenApiFakeServer, type OperationHandler } from "./openApiFake";
import { groupRoutes } from "./renderGroupRoutes";
import { renderError } from "./renderReplies";
import { serviceRoutes } from "./renderServiceRoutes";
import {
  RenderState,
  type RenderDeployRecord,
  type RenderEnvGroupSeed,
  type RenderRestartRecord,
  type RenderServiceSeed,
} from "./renderState";

/** Constructor options of `FakeRender`. */
export interface FakeRenderOptions extends FakeServerOptions {
  /** Id of the workspace created up front (`ownerId`); generated when omitted. */
  ownerId?: string;
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

  protected readonly handlers: Record<string, OperationHandler>;

  private readonly state: RenderState;

  constructor(options: FakeRenderOptions = {}) {
    super(options);
    this.state = new RenderState(() => this.now(), options.ownerId);
    this.ownerId = this.state.ownerId;
    this.handlers = { ...groupRoutes(this.state), ...serviceRoutes(this.state) };
  }

  // ---------------------------------------------------------------------------------------------
  // Test helpers (no HTTP).

  /** Adds a workspace; returns its id (generated `tea-…` when omitted). */
  addOwner(id?: string, name?: string): string {
    return this.state.addOwner(id, name);
  }

  /** Adds a service (it must exist before a group can link it). */
  addService(seed: RenderServiceSeed): void {
    this.state.addService(seed);
  }

  /** Creates an env group directly; returns its id. */
  seedEnvGroup(seed: RenderEnvGroupSeed): string {
    return this.state.seedEnvGroup(seed);
  }

  /** Variables of a group (a copy). Throws if the group does not exist. */
  envGroupVars(groupId: string): Record<string, string> {
    return Object.fromEntries(this.state.group(groupId).vars);
  }

  /** Secret files of a group, name → content (a copy). */
  envGroupSecretFiles(groupId: string): Record<string, string> {
    return Object.fromEntries(this.state.group(groupId).files);
  }

  /** Ids of the services linked to a group, in link order. */
  envGroupLinks(groupId: string): string[] {
    return this.state.envGroupLinks(groupId);
  }

  /** Ids of the groups with this name (any owner unless given). */
  envGroupIdsByName(name: string, ownerId?: string): string[] {
    return this.state.envGroupIdsByName(name, ownerId);
  }

  /** Whether the group exists. */
  hasEnvGroup(groupId: string): boolean {
    return this.state.groups.has(groupId);
  }

  /**
   * A human edits a group variable in the dashboard (drift tests): sets it, or deletes it when
   * `value` is undefined. Bumps `updatedAt` like a real change.
   */
  setVarOutOfBand(groupId: string, key: string, value: string | undefined): void {
    const group = this.state.group(groupId);
    if (value === undefined) group.vars.delete(key);
    else group.vars.set(key, value);
    group.updatedAt = this.now();
  }

  /** A human deletes a group in the dashboard (its variables and links go with it). */
  deleteEnvGroupOutOfBand(groupId: string): void {
    this.state.group(groupId);
    this.state.groups.delete(groupId);
  }

  /** Service-level variables (a copy). */
  serviceEnvVars(serviceId: string): Record<string, string> {
    return Object.fromEntries(this.state.service(serviceId).envVars);
  }

  /** Service-level secret files, name → content (a copy). */
  serviceSecretFiles(serviceId: string): Record<string, string> {
    return Object.fromEntries(this.state.service(serviceId).secretFiles);
  }

  /** A human edits a service variable in the dashboard; undefined deletes it. */
  setServiceVarOutOfBand(serviceId: string, key: string, value: string | undefined): void {
    const service = this.state.service(serviceId);
    if (value === undefined) service.envVars.delete(key);
    else service.envVars.set(key, value);
  }

  /** Deploys started for a service, oldest first (copies). */
  deploysFor(serviceId: string): RenderDeployRecord[] {
    return cloneJson(this.state.deploys.filter((d) => d.serviceId === serviceId));
  }

  /** Restarts of a service, oldest first (copies). */
  restartsFor(serviceId: string): RenderRestartRecord[] {
    return cloneJson(this.state.restarts.filter((r) => r.serviceId === serviceId));
  }

  /**
   * The env a service would run with: linked groups merged in link order, then service variables
   * (UNCONFIRMED precedence, PLATFORM_APIS.md §1; chosen: the service wins).
   */
  effectiveEnv(serviceId: string): Record<string, string> {
    return this.state.effectiveEnv(serviceId);
  }

  // ---------------------------------------------------------------------------------------------
  // Platform behaviour.

  protected errorReply(status: number, message: string): Reply {
    return renderError(status, message);
  }

  protected defaultFaultHeaders(status: number): Record<string, string> {
    // Rate-limiting doc: Ratelimit-Limit/Remaining/Reset; no Retry-After is documented.
    if (status !== 429) return {};
    return { "Ratelimit-Limit": "30", "Ratelimit-Remaining": "0", "Ratelimit-Reset": "1" };
  }
}
