/**
 * Routes of the Fly.io fake: app secrets (list, get, bulk set/unset, set one, delete), each change
 * bumping the app's secrets version, and machines (list, show, update, restart), an update picking
 * up the current secrets. Handlers are keyed by the operationId of
 * specs/fly-machines-openapi.json.
 */
import { cloneJson, isPlainObject, randomHex } from "./data";
import type { Reply, RequestContext } from "./fakeTypes";
import type { OperationCall, OperationHandler } from "./openApiFake";
import {
  SECRET_NAME,
  machineView,
  meta,
  type App,
  type FlyMachineRestartRecord,
  type FlyMachineUpdateRecord,
  type FlyState,
  type Machine,
} from "./flyState";

/** Records a contract violation on the fake and on the request. */
export type Violate = (ctx: RequestContext, message: string) => void;

/** The operations over `state`; `violate` records a contract violation on the fake. */
export function flyRoutes(state: FlyState, violate: Violate): Record<string, OperationHandler> {
  return {
    Secrets_list: (c) =>
      withApp(state, c, (app) => {
        const stale = checkMinVersion(app, c.query.min_version);
        return stale ?? ok({ secrets: state.metas(app) });
      }),
    Secret_get: (c) =>
      withApp(state, c, (app) => {
        const stale = checkMinVersion(app, c.query.min_version);
        if (stale) return stale;
        const secret = app.secrets.get(c.params.secret_name);
        return secret ? ok(meta(c.params.secret_name, secret)) : flyError(404, "secret not found");
      }),
    Secrets_update: (c) => bulkUpdate(state, c),
    Secret_create: (c) =>
      withApp(state, c, (app) => {
        const name = c.params.secret_name;
        if (!SECRET_NAME.test(name)) return flyError(400, `invalid secret name "${name}"`);
        const value = isPlainObject(c.body) ? c.body.value : undefined;
        if (typeof value !== "string") return flyError(400, "value is required");
        if (state.applySecret(app, name, value)) app.version += 1;
        const secret = app.secrets.get(name)!;
        return {
          status: 201,
          body: { ...meta(name, secret), version: app.version, Version: app.version },
        };
      }),
    Secret_delete: (c) =>
      withApp(state, c, (app) => {
        if (!app.secrets.delete(c.params.secret_name)) {
          return flyError(404, "secret not found");
        }
        app.version += 1;
        return ok({ version: app.version, Version: app.version });
      }),
    Machines_list: (c) =>
      withApp(state, c, (app) => {
        const states =
          typeof c.query.state === "string" ? c.query.state.split(",").map((s) => s.trim()) : null;
        const summary = c.query.summary === true;
        return ok(
          [...app.machines.values()]
            .filter((m) => !states || states.includes(m.state))
            .map((m) => machineView(m, summary)),
        );
      }),
    Machines_show: (c) => withMachine(state, c, (_app, machine) => ok(machineView(machine, false))),
    Machines_update: (c) => updateMachine(state, c, violate),
    Machines_restart: (c) =>
      withMachine(state, c, (app, machine) => {
        const record: FlyMachineRestartRecord = {
          machineId: machine.id,
          at: state.now(),
          secretsVersion: machine.secretsVersion,
        };
        if (typeof c.query.signal === "string") record.signal = c.query.signal;
        if (typeof c.query.timeout === "string") record.timeout = c.query.timeout;
        app.restarts.push(record);
        return { status: 200 };
      }),
  };
}

function bulkUpdate(state: FlyState, c: OperationCall): Reply {
  return withApp(state, c, (app) => {
    const values = isPlainObject(c.body) ? c.body.values : undefined;
    if (!isPlainObject(values)) return flyError(400, "values is required");
    for (const name of Object.keys(values)) {
      if (!SECRET_NAME.test(name)) return flyError(400, `invalid secret name "${name}"`);
    }
    let changed = false;
    for (const [name, value] of Object.entries(values)) {
      // PLATFORM_APIS.md §2 "null unsets"; unsetting a missing name is not an error.
      if (value === null) changed = app.secrets.delete(name) || changed;
      else changed = state.applySecret(app, name, value as string) || changed;
    }
    if (changed) app.version += 1;
    return ok({ secrets: state.metas(app), version: app.version, Version: app.version });
  });
}

function updateMachine(state: FlyState, c: OperationCall, violate: Violate): Reply {
  return withMachine(state, c, (app, machine) => {
    const label = c.operation.label;
    const body = c.body as {
      config?: unknown;
      min_secrets_version?: number;
      skip_secrets?: boolean;
      current_version?: string;
      name?: string;
    };
    // PLATFORM_APIS.md §2: send back the machine's full config; a partial one would replace it.
    if (!isPlainObject(body.config)) {
      violate(c.ctx, `${label}: config is required (send the machine's full config)`);
      return flyError(400, "config is required");
    }
    const config = body.config;
    const dropped = Object.keys(machine.config).filter((k) => !(k in config));
    if (dropped.length > 0) {
      violate(
        c.ctx,
        `${label}: config leaves out ${dropped.map((k) => `'${k}'`).join(", ")} of the ` +
          `machine's current config (send the full config)`,
      );
    }
    if (body.current_version !== undefined && body.current_version !== machine.instance_id) {
      return flyError(400, "current_version does not match the machine's version");
    }
    const min = body.min_secrets_version;
    if (min !== undefined && min > app.version) {
      return flyError(
        400,
        `min_secrets_version ${min} is newer than the app's secrets version ${app.version}`,
      );
    }
    const configChanged = stableJson(machine.config) !== stableJson(config);
    machine.config = cloneJson(config);
    machine.instance_id = randomHex(8).toUpperCase();
    machine.updated_at = state.now();
    if (typeof body.name === "string") machine.name = body.name;
    const skipSecrets = body.skip_secrets === true;
    if (!skipSecrets) {
      machine.secretsVersion = app.version;
      machine.secrets = state.snapshot(app);
    }
    const record: FlyMachineUpdateRecord = {
      machineId: machine.id,
      at: machine.updated_at,
      skipSecrets,
      secretsVersion: machine.secretsVersion,
      configChanged,
      droppedConfigKeys: dropped,
    };
    if (min !== undefined) record.minSecretsVersion = min;
    app.updates.push(record);
    return ok(machineView(machine, false));
  });
}

function checkMinVersion(app: App, minVersion: unknown): Reply | undefined {
  if (minVersion === undefined) return undefined;
  const min = Number(minVersion);
  if (!Number.isInteger(min)) return flyError(400, "min_version must be an integer");
  if (min > app.version) {
    return flyError(
      400,
      `min_version ${min} is newer than the app's secrets version ${app.version}`,
    );
  }
  return undefined;
}

function withApp(state: FlyState, c: OperationCall, fn: (app: App) => Reply): Reply {
  const app = state.apps.get(c.params.app_name);
  return app ? fn(app) : flyError(404, "app not found");
}

function withMachine(
  state: FlyState,
  c: OperationCall,
  fn: (app: App, machine: Machine) => Reply,
): Reply {
  return withApp(state, c, (app) => {
    const machine = app.machines.get(c.params.machine_id);
    return machine ? fn(app, machine) : flyError(404, "machine not found");
  });
}

function ok(body: unknown): Reply {
  return { status: 200, body };
}

/** Fly's error answer: components/schemas/ErrorResponse, `{error, status?}`. */
export function flyError(status: number, message: string): Reply {
  return { status, body: { error: message } };
}

/** JSON with sorted keys, for an order-insensitive config comparison. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
