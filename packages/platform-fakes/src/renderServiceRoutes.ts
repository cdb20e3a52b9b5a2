/**
 * Routes of the Render fake for services: service-level variables and secret files (one at a time
 * or replaced whole), restarts and deploys, each recording the env the service would run with.
 * Handlers are keyed by the operationId of specs/render-openapi.json.
 */
import { isPlainObject, randomHex } from "./data";
import type { Reply } from "./fakeTypes";
import type { OperationCall, OperationHandler } from "./openApiFake";
import {
  encodeCursor,
  ok,
  page,
  renderError,
  resolveValue,
  sortedKeys,
  withService,
} from "./renderReplies";
import type { RenderDeployRecord, RenderState } from "./renderState";

/** The service operations over `state`. */
export function serviceRoutes(state: RenderState): Record<string, OperationHandler> {
  return {
    "get-env-vars-for-service": (c) =>
      withService(state, c, (s) =>
        page(c, [...s.envVars.keys()], (key) => ({
          envVar: { key, value: s.envVars.get(key) },
        })),
      ),
    "update-env-vars-for-service": (c) => replaceServiceEnvVars(state, c),
    "retrieve-env-var": (c) =>
      withService(state, c, (s) => {
        const value = s.envVars.get(c.params.envVarKey);
        if (value === undefined) return renderError(404, "env var not found");
        return ok({ key: c.params.envVarKey, value });
      }),
    "update-env-var": (c) =>
      withService(state, c, (s) => {
        const value = resolveValue(c.body);
        if (value === undefined) return renderError(400, "generateValue must be true");
        s.envVars.set(c.params.envVarKey, value);
        return ok({ key: c.params.envVarKey, value });
      }),
    "delete-env-var": (c) =>
      withService(state, c, (s) =>
        s.envVars.delete(c.params.envVarKey)
          ? { status: 204 }
          : renderError(404, "env var not found"),
      ),
    "list-secret-files-for-service": (c) =>
      withService(state, c, (s) =>
        page(c, [...s.secretFiles.keys()], (name) => ({
          secretFile: { name, content: s.secretFiles.get(name) },
        })),
      ),
    "update-secret-files-for-service": (c) => replaceServiceSecretFiles(state, c),
    "retrieve-secret-file": (c) =>
      withService(state, c, (s) => {
        const content = s.secretFiles.get(c.params.secretFileName);
        if (content === undefined) return renderError(404, "secret file not found");
        return ok({ name: c.params.secretFileName, content });
      }),
    "add-or-update-secret-file": (c) =>
      withService(state, c, (s) => {
        const content = isPlainObject(c.body) ? c.body.content : undefined;
        if (typeof content !== "string") return renderError(400, "content is required");
        s.secretFiles.set(c.params.secretFileName, content);
        // PLATFORM_APIS.md §1: this PUT answers 201 with the file.
        return { status: 201, body: { name: c.params.secretFileName, content } };
      }),
    "delete-secret-file": (c) =>
      withService(state, c, (s) =>
        s.secretFiles.delete(c.params.secretFileName)
          ? { status: 204 }
          : renderError(404, "secret file not found"),
      ),
    "restart-service": (c) =>
      withService(state, c, (s) => {
        // render-openapi.json restart-service: "Not supported for cron jobs."
        if (s.type === "cron") return renderError(400, "restart is not supported for cron jobs");
        state.restarts.push({ serviceId: s.id, at: state.now(), env: state.effectiveEnv(s.id) });
        return { status: 200 };
      }),
    "create-deploy": (c) => createDeploy(state, c),
    "list-deploys": (c) =>
      withService(state, c, (s) => {
        const mine = state.deploys.filter((d) => d.serviceId === s.id).reverse();
        return page(
          c,
          mine.map((d) => d.id),
          (id) => ({
            deploy: deployView(mine.find((d) => d.id === id)!),
          }),
          false,
        );
      }),
    "retrieve-deploy": (c) =>
      withService(state, c, (s) => {
        const deploy = state.deploys.find(
          (d) => d.serviceId === s.id && d.id === c.params.deployId,
        );
        return deploy ? ok(deployView(deploy)) : renderError(404, "deploy not found");
      }),
  };
}

function replaceServiceEnvVars(state: RenderState, c: OperationCall): Reply {
  return withService(state, c, (s) => {
    const next = new Map<string, string>();
    for (const input of c.body as unknown[]) {
      const key = (input as { key: string }).key;
      if (next.has(key)) return renderError(400, `duplicate env var key "${key}"`);
      const value = resolveValue(input);
      if (value === undefined) return renderError(400, `generateValue of "${key}" must be true`);
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

function replaceServiceSecretFiles(state: RenderState, c: OperationCall): Reply {
  return withService(state, c, (s) => {
    const next = new Map<string, string>();
    for (const file of c.body as Array<{ name: string; content: string }>) {
      if (next.has(file.name)) return renderError(400, `duplicate secret file "${file.name}"`);
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

function createDeploy(state: RenderState, c: OperationCall): Reply {
  return withService(state, c, (s) => {
    const body = (c.body ?? {}) as { clearCache?: string; commitId?: string; imageUrl?: string };
    const record: RenderDeployRecord = {
      id: `dep-${randomHex(10)}`,
      serviceId: s.id,
      createdAt: state.now(),
      env: state.effectiveEnv(s.id),
    };
    if (body.clearCache !== undefined) record.clearCache = body.clearCache;
    if (body.commitId !== undefined) record.commitId = body.commitId;
    if (body.imageUrl !== undefined) record.imageUrl = body.imageUrl;
    state.deploys.push(record);
    // PLATFORM_APIS.md §1: 201 with a `deploy` (the 202 "Queued" variant is not used).
    return { status: 201, body: deployView(record, "created") };
  });
}

function deployView(d: RenderDeployRecord, status = "live"): Record<string, unknown> {
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
