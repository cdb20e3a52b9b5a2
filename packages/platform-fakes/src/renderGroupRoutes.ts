/**
 * Routes of the Render fake for workspaces and environment groups: listing (with its
 * UNCONFIRMED id cursor) and creating groups, renaming and deleting them, their variables, secret
 * files and service links. Handlers are keyed by the operationId of specs/render-openapi.json.
 */
import { isPlainObject } from "./data";
import type { Reply } from "./fakeTypes";
import type { OperationCall, OperationHandler } from "./openApiFake";
import { ok, page, renderError, resolveValue, withGroup } from "./renderReplies";
import type { RenderState } from "./renderState";

/** The owner and env-group operations over `state`. */
export function groupRoutes(state: RenderState): Record<string, OperationHandler> {
  return {
    "list-owners": (c) => listOwners(state, c),
    "retrieve-owner": (c) => retrieveOwner(state, c),
    "list-env-groups": (c) => listEnvGroups(state, c),
    "create-env-group": (c) => createEnvGroup(state, c),
    "retrieve-env-group": (c) => withGroup(state, c, (g) => ok(state.groupView(g))),
    "update-env-group": (c) => updateEnvGroup(state, c),
    "delete-env-group": (c) =>
      withGroup(state, c, (g) => {
        state.groups.delete(g.id);
        return { status: 204 };
      }),
    "retrieve-env-group-env-var": (c) =>
      withGroup(state, c, (g) => {
        const value = g.vars.get(c.params.envVarKey);
        if (value === undefined) return renderError(404, "env var not found");
        return ok({ key: c.params.envVarKey, value });
      }),
    "update-env-group-env-var": (c) =>
      withGroup(state, c, (g) => {
        const value = resolveValue(c.body);
        if (value === undefined) return renderError(400, "generateValue must be true");
        g.vars.set(c.params.envVarKey, value);
        g.updatedAt = state.now();
        // PLATFORM_APIS.md §1: the PUT answers the whole group, every value included.
        return ok(state.groupView(g));
      }),
    "delete-env-group-env-var": (c) =>
      withGroup(state, c, (g) => {
        if (!g.vars.delete(c.params.envVarKey)) return renderError(404, "env var not found");
        g.updatedAt = state.now();
        return { status: 204 };
      }),
    "retrieve-env-group-secret-file": (c) =>
      withGroup(state, c, (g) => {
        const content = g.files.get(c.params.secretFileName);
        if (content === undefined) return renderError(404, "secret file not found");
        return ok({ name: c.params.secretFileName, content });
      }),
    "update-env-group-secret-file": (c) =>
      withGroup(state, c, (g) => {
        const content = isPlainObject(c.body) ? c.body.content : undefined;
        if (typeof content !== "string") return renderError(400, "content is required");
        g.files.set(c.params.secretFileName, content);
        g.updatedAt = state.now();
        return ok(state.groupView(g));
      }),
    "delete-env-group-secret-file": (c) =>
      withGroup(state, c, (g) => {
        if (!g.files.delete(c.params.secretFileName)) {
          return renderError(404, "secret file not found");
        }
        g.updatedAt = state.now();
        return { status: 204 };
      }),
    "link-service-to-env-group": (c) =>
      withGroup(state, c, (g) => {
        if (!state.services.has(c.params.serviceId)) return renderError(404, "service not found");
        if (!g.links.has(c.params.serviceId)) {
          g.links.set(c.params.serviceId, state.nextLink());
          g.updatedAt = state.now();
        }
        return ok(state.groupView(g));
      }),
    "unlink-service-from-env-group": (c) =>
      withGroup(state, c, (g) => {
        if (!g.links.delete(c.params.serviceId)) {
          return renderError(404, "service is not linked to this env group");
        }
        g.updatedAt = state.now();
        return { status: 204 };
      }),
  };
}

function listOwners(state: RenderState, c: OperationCall): Reply {
  const names = c.query.name as string[] | undefined;
  const owners = [...state.owners.values()].filter((o) => !names || names.includes(o.name));
  return page(
    c,
    owners.map((o) => o.id),
    (id) => ({ owner: state.ownerView(id) }),
    false,
  );
}

function retrieveOwner(state: RenderState, c: OperationCall): Reply {
  return state.owners.has(c.params.ownerId)
    ? ok(state.ownerView(c.params.ownerId))
    : renderError(404, "owner not found");
}

function listEnvGroups(state: RenderState, c: OperationCall): Reply {
  const q = c.query;
  const names = q.name as string[] | undefined;
  const owners = q.ownerId as string[] | undefined;
  const environments = q.environmentId as string[] | undefined;
  const time = (key: string) => (typeof q[key] === "string" ? Date.parse(q[key] as string) : NaN);
  const createdBefore = time("createdBefore");
  const createdAfter = time("createdAfter");
  const updatedBefore = time("updatedBefore");
  const updatedAfter = time("updatedAfter");
  const matches = [...state.groups.values()]
    .filter((g) => !names || names.includes(g.name))
    .filter((g) => !owners || owners.includes(g.ownerId))
    .filter(
      (g) =>
        !environments || (g.environmentId !== undefined && environments.includes(g.environmentId)),
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
    if (index < 0) return renderError(400, "invalid cursor");
    start = index + 1;
  }
  const limit = typeof q.limit === "number" ? q.limit : 20;
  return ok(matches.slice(start, start + limit).map((g) => state.metaView(g)));
}

function createEnvGroup(state: RenderState, c: OperationCall): Reply {
  const body = c.body as {
    name: string;
    ownerId: string;
    envVars: unknown[];
    secretFiles?: Array<{ name: string; content: string }>;
    serviceIds?: string[];
    environmentId?: string;
  };
  if (!state.owners.has(body.ownerId)) return renderError(404, "owner not found");
  if (state.envGroupIdsByName(body.name, body.ownerId).length > 0) {
    return renderError(400, `an environment group named "${body.name}" already exists`);
  }
  const vars = new Map<string, string>();
  for (const input of body.envVars) {
    const key = (input as { key: string }).key;
    if (vars.has(key)) return renderError(400, `duplicate env var key "${key}"`);
    const value = resolveValue(input);
    if (value === undefined) return renderError(400, `generateValue of "${key}" must be true`);
    vars.set(key, value);
  }
  const files = new Map<string, string>();
  for (const file of body.secretFiles ?? []) {
    if (files.has(file.name)) return renderError(400, `duplicate secret file "${file.name}"`);
    files.set(file.name, file.content);
  }
  for (const serviceId of body.serviceIds ?? []) {
    if (!state.services.has(serviceId)) return renderError(404, `service ${serviceId} not found`);
  }
  const id = state.seedEnvGroup({
    name: body.name,
    ownerId: body.ownerId,
    environmentId: body.environmentId,
    serviceIds: body.serviceIds,
  });
  const group = state.group(id);
  group.vars = vars;
  group.files = files;
  return { status: 201, body: state.groupView(group) };
}

function updateEnvGroup(state: RenderState, c: OperationCall): Reply {
  return withGroup(state, c, (g) => {
    const name = (c.body as { name: string }).name;
    if (name !== g.name && state.envGroupIdsByName(name, g.ownerId).length > 0) {
      return renderError(400, `an environment group named "${name}" already exists`);
    }
    g.name = name;
    g.updatedAt = state.now();
    return ok(state.groupView(g));
  });
}
