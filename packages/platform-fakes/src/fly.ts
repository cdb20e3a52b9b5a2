/**
 * Fake of the Fly.io Machines API, the parts that deliver app secrets
 * (specs/fly-machines-openapi.json, brief specs/PLATFORM_APIS.md §2): app secrets with a per-app
 * secrets `version`, and machines that are updated with `min_secrets_version` to pick them up.
 * Base path `/v1`; auth
 * `Authorization: Bearer <token>` or `Authorization: FlyV1 <token>` (fly-go `auth.go`); errors
 * `{error, status?}` (components/schemas/ErrorResponse).
 *
 * UNCONFIRMED points and the choice made here:
 * - Values are never returned, `show_secrets` included ("we do not allow read access to the
 *   plain-text values"). Tests read them with `secretValue()`.
 * - The digest is an HMAC-SHA256 (first 16 hex chars) under a key random per fake: opaque, stable
 *   for the same value within one fake, and unrelated to Fly's algorithm.
 * - The secrets `version` starts at 0 and increments once per request that changes something.
 *   Setting a secret to its current value or unsetting a missing one is not a change (so the
 *   `fly secrets sync` trick of unsetting a random name returns the current version).
 * - The bulk answer lists every secret of the app after the change (metadata only).
 * - `DELETE /apps/{app}/secrets/{name}` of a missing secret answers 404 (bulk unset ignores it).
 * - `min_version` / `min_secrets_version` above the app's version answer 400 (the fake is never
 *   behind, so that can only be a client bug).
 * - A plain restart does not pick up new secrets: only an update (without `skip_secrets`) moves
 *   the machine to the current secrets version.
 * - Secret names must look like env var names (`[A-Za-z_][A-Za-z0-9_]*`), else 400.
 * - 429 carries no headers unless the test gives some (none are documented).
 */
import { createHmac } from "node:crypto";
import { cloneJson, isPlainObject, randomHex } from "./data";
import type { FakeServerOptions, Reply } from "./fakeTypes";
import { OpenApiContract } from "./openApiContract";
import { OpenApiFakeServer, type OperationCall, type OperationHandler } from "./openApiFake";

/** Constructor options of `FakeFly`. */
export type FakeFlyOptions = FakeServerOptions;

/** A machine as seeded by a test. */
export interface FlyMachineSeed {
  /** Generated when omitted. */
  id?: string;
  name?: string;
  region?: string;
  state?: string;
  /** The machine's `fly.MachineConfig`; include an `env` map. */
  config: Record<string, unknown>;
}

/** One `POST /apps/{app}/machines/{id}` the fake accepted. */
export interface FlyMachineUpdateRecord {
  machineId: string;
  at: string;
  /** `min_secrets_version` as sent (undefined when absent). */
  minSecretsVersion?: number;
  skipSecrets: boolean;
  /** The secrets version the machine runs after the update. */
  secretsVersion: number;
  /** Whether the config sent differs from the machine's previous config. */
  configChanged: boolean;
  /** Top-level config keys the machine had and the request left out. */
  droppedConfigKeys: string[];
}

/** One `POST /apps/{app}/machines/{id}/restart`. */
export interface FlyMachineRestartRecord {
  machineId: string;
  at: string;
  signal?: string;
  timeout?: string;
  /** Secrets version the machine runs (a restart does not change it). */
  secretsVersion: number;
}

/** Metadata of a secret, as the API shows it (`components/schemas/AppSecret` without value). */
export interface FlySecretMeta {
  name: string;
  digest: string;
  created_at: string;
  updated_at: string;
}

interface Secret {
  value: string;
  digest: string;
  created_at: string;
  updated_at: string;
}

interface Machine {
  id: string;
  name: string;
  region: string;
  state: string;
  config: Record<string, unknown>;
  instance_id: string;
  created_at: string;
  updated_at: string;
  secretsVersion: number;
  /** The secret values the machine runs with (snapshot at its last update). */
  secrets: Record<string, string>;
}

interface App {
  name: string;
  secrets: Map<string, Secret>;
  version: number;
  machines: Map<string, Machine>;
  updates: FlyMachineUpdateRecord[];
  restarts: FlyMachineRestartRecord[];
}

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Stateful fake of the Fly Machines API. `start()` resolves with `http://127.0.0.1:<port>/v1`, the
 * stand-in for `https://api.machines.dev/v1`.
 */
export class FakeFly extends OpenApiFakeServer {
  protected readonly basePath = "/v1";
  protected readonly urlPath = "/v1";
  protected readonly platform = "Fly";
  protected readonly contract = OpenApiContract.load("fly");

  private readonly apps = new Map<string, App>();
  private readonly digestKey = randomHex(32);

  protected readonly handlers: Record<string, OperationHandler> = {
    Secrets_list: (c) =>
      this.withApp(c, (app) => {
        const stale = this.checkMinVersion(app, c.query.min_version);
        return stale ?? ok({ secrets: this.metas(app) });
      }),
    Secret_get: (c) =>
      this.withApp(c, (app) => {
        const stale = this.checkMinVersion(app, c.query.min_version);
        if (stale) return stale;
        const secret = app.secrets.get(c.params.secret_name);
        return secret
          ? ok(meta(c.params.secret_name, secret))
          : this.errorReply(404, "secret not found");
      }),
    Secrets_update: (c) => this.bulkUpdate(c),
    Secret_create: (c) =>
      this.withApp(c, (app) => {
        const name = c.params.secret_name;
        if (!SECRET_NAME.test(name)) return this.errorReply(400, `invalid secret name "${name}"`);
        const value = isPlainObject(c.body) ? c.body.value : undefined;
        if (typeof value !== "string") return this.errorReply(400, "value is required");
        if (this.applySecret(app, name, value)) app.version += 1;
        const secret = app.secrets.get(name)!;
        return {
          status: 201,
          body: { ...meta(name, secret), version: app.version, Version: app.version },
        };
      }),
    Secret_delete: (c) =>
      this.withApp(c, (app) => {
        if (!app.secrets.delete(c.params.secret_name)) {
          return this.errorReply(404, "secret not found");
        }
        app.version += 1;
        return ok({ version: app.version, Version: app.version });
      }),
    Machines_list: (c) =>
      this.withApp(c, (app) => {
        const states =
          typeof c.query.state === "string" ? c.query.state.split(",").map((s) => s.trim()) : null;
        const summary = c.query.summary === true;
        return ok(
          [...app.machines.values()]
            .filter((m) => !states || states.includes(m.state))
            .map((m) => machineView(m, summary)),
        );
      }),
    Machines_show: (c) => this.withMachine(c, (_app, machine) => ok(machineView(machine, false))),
    Machines_update: (c) => this.updateMachine(c),
    Machines_restart: (c) =>
      this.withMachine(c, (app, machine) => {
        const record: FlyMachineRestartRecord = {
          machineId: machine.id,
          at: this.now(),
          secretsVersion: machine.secretsVersion,
        };
        if (typeof c.query.signal === "string") record.signal = c.query.signal;
        if (typeof c.query.timeout === "string") record.timeout = c.query.timeout;
        app.restarts.push(record);
        return { status: 200 };
      }),
  };

  constructor(options: FakeFlyOptions = {}) {
    super(options);
  }

  // ---------------------------------------------------------------------------------------------
  // Test helpers (no HTTP).

  /** Adds an app, optionally with machines. */
  addApp(name: string, options: { machines?: FlyMachineSeed[] } = {}): void {
    this.apps.set(name, {
      name,
      secrets: new Map(),
      version: 0,
      machines: new Map(),
      updates: [],
      restarts: [],
    });
    for (const seed of options.machines ?? []) this.addMachine(name, seed);
  }

  /** Whether the app exists. */
  hasApp(name: string): boolean {
    return this.apps.has(name);
  }

  /** Someone destroys the app (`fly apps destroy`): its secrets and machines go with it. */
  removeApp(name: string): void {
    this.app(name);
    this.apps.delete(name);
  }

  /** Adds a machine running the app's current secrets; returns its id. */
  addMachine(appName: string, seed: FlyMachineSeed): string {
    const app = this.app(appName);
    const id = seed.id ?? randomHex(7);
    const at = this.now();
    app.machines.set(id, {
      id,
      name: seed.name ?? `machine-${id}`,
      region: seed.region ?? "iad",
      state: seed.state ?? "started",
      config: cloneJson(seed.config),
      instance_id: randomHex(8).toUpperCase(),
      created_at: at,
      updated_at: at,
      secretsVersion: app.version,
      secrets: this.snapshot(app),
    });
    return id;
  }

  /** Names of the app's secrets, sorted. */
  secretNames(appName: string): string[] {
    return [...this.app(appName).secrets.keys()].sort();
  }

  /** A secret's value as last written (the real Fly never returns it); undefined if unset. */
  secretValue(appName: string, name: string): string | undefined {
    return this.app(appName).secrets.get(name)?.value;
  }

  /** A secret's metadata as the API shows it; undefined if unset. */
  secretMeta(appName: string, name: string): FlySecretMeta | undefined {
    const secret = this.app(appName).secrets.get(name);
    return secret ? meta(name, secret) : undefined;
  }

  /** The app's current secrets version. */
  secretsVersion(appName: string): number {
    return this.app(appName).version;
  }

  /**
   * Someone else changes a secret (`fly secrets set` by a human; drift tests): sets it, or
   * unsets it when `value` is undefined. Bumps the secrets version like any change.
   */
  setSecretOutOfBand(appName: string, name: string, value: string | undefined): void {
    const app = this.app(appName);
    const changed =
      value === undefined ? app.secrets.delete(name) : this.applySecret(app, name, value);
    if (changed) app.version += 1;
  }

  /** Machine updates accepted for the app, oldest first (copies). */
  machineUpdates(appName: string): FlyMachineUpdateRecord[] {
    return cloneJson(this.app(appName).updates);
  }

  /** Machine restarts for the app, oldest first (copies). */
  machineRestarts(appName: string): FlyMachineRestartRecord[] {
    return cloneJson(this.app(appName).restarts);
  }

  /** A machine as the API shows it, plus the secrets version it runs. */
  machine(
    appName: string,
    machineId: string,
  ): Record<string, unknown> & { secretsVersion: number } {
    const machine = this.machineOf(appName, machineId);
    return { ...machineView(machine, false), secretsVersion: machine.secretsVersion };
  }

  /** The secret values a machine runs with (snapshot taken at its last update). */
  machineSecrets(appName: string, machineId: string): Record<string, string> {
    return { ...this.machineOf(appName, machineId).secrets };
  }

  // ---------------------------------------------------------------------------------------------
  // Platform behaviour.

  protected authSchemes(): string[] {
    // PLATFORM_APIS.md §2: fly-go sends FlyV1 for macaroons and Bearer otherwise.
    return ["Bearer", "FlyV1"];
  }

  protected errorReply(status: number, message: string): Reply {
    // components/schemas/ErrorResponse: {error, status?}.
    return { status, body: { error: message } };
  }

  private bulkUpdate(c: OperationCall): Reply {
    return this.withApp(c, (app) => {
      const values = isPlainObject(c.body) ? c.body.values : undefined;
      if (!isPlainObject(values)) return this.errorReply(400, "values is required");
      for (const name of Object.keys(values)) {
        if (!SECRET_NAME.test(name)) return this.errorReply(400, `invalid secret name "${name}"`);
      }
      let changed = false;
      for (const [name, value] of Object.entries(values)) {
        // PLATFORM_APIS.md §2 "null unsets"; unsetting a missing name is not an error.
        if (value === null) changed = app.secrets.delete(name) || changed;
        else changed = this.applySecret(app, name, value as string) || changed;
      }
      if (changed) app.version += 1;
      return ok({ secrets: this.metas(app), version: app.version, Version: app.version });
    });
  }

  private updateMachine(c: OperationCall): Reply {
    return this.withMachine(c, (app, machine) => {
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
        this.violate(c.ctx, `${label}: config is required (send the machine's full config)`);
        return this.errorReply(400, "config is required");
      }
      const config = body.config;
      const dropped = Object.keys(machine.config).filter((k) => !(k in config));
      if (dropped.length > 0) {
        this.violate(
          c.ctx,
          `${label}: config leaves out ${dropped.map((k) => `'${k}'`).join(", ")} of the ` +
            `machine's current config (send the full config)`,
        );
      }
      if (body.current_version !== undefined && body.current_version !== machine.instance_id) {
        return this.errorReply(400, "current_version does not match the machine's version");
      }
      const min = body.min_secrets_version;
      if (min !== undefined && min > app.version) {
        return this.errorReply(
          400,
          `min_secrets_version ${min} is newer than the app's secrets version ${app.version}`,
        );
      }
      const configChanged = stableJson(machine.config) !== stableJson(config);
      machine.config = cloneJson(config);
      machine.instance_id = randomHex(8).toUpperCase();
      machine.updated_at = this.now();
      if (typeof body.name === "string") machine.name = body.name;
      const skipSecrets = body.skip_secrets === true;
      if (!skipSecrets) {
        machine.secretsVersion = app.version;
        machine.secrets = this.snapshot(app);
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

  /** Sets a secret; returns whether anything changed. */
  private applySecret(app: App, name: string, value: string): boolean {
    const existing = app.secrets.get(name);
    if (existing && existing.value === value) return false;
    const at = this.now();
    app.secrets.set(name, {
      value,
      digest: createHmac("sha256", this.digestKey).update(value).digest("hex").slice(0, 16),
      created_at: existing?.created_at ?? at,
      updated_at: at,
    });
    return true;
  }

  private checkMinVersion(app: App, minVersion: unknown): Reply | undefined {
    if (minVersion === undefined) return undefined;
    const min = Number(minVersion);
    if (!Number.isInteger(min)) return this.errorReply(400, "min_version must be an integer");
    if (min > app.version) {
      return this.errorReply(
        400,
        `min_version ${min} is newer than the app's secrets version ${app.version}`,
      );
    }
    return undefined;
  }

  private metas(app: App): FlySecretMeta[] {
    return [...app.secrets.keys()].sort().map((name) => meta(name, app.secrets.get(name)!));
  }

  private snapshot(app: App): Record<string, string> {
    return Object.fromEntries([...app.secrets].map(([name, s]) => [name, s.value]));
  }

  private withApp(c: OperationCall, fn: (app: App) => Reply): Reply {
    const app = this.apps.get(c.params.app_name);
    return app ? fn(app) : this.errorReply(404, "app not found");
  }

  private withMachine(c: OperationCall, fn: (app: App, machine: Machine) => Reply): Reply {
    return this.withApp(c, (app) => {
      const machine = app.machines.get(c.params.machine_id);
      return machine ? fn(app, machine) : this.errorReply(404, "machine not found");
    });
  }

  private app(name: string): App {
    const app = this.apps.get(name);
    if (!app) throw new Error(`FakeFly: no app ${name}`);
    return app;
  }

  private machineOf(appName: string, machineId: string): Machine {
    const machine = this.app(appName).machines.get(machineId);
    if (!machine) throw new Error(`FakeFly: no machine ${machineId} in ${appName}`);
    return machine;
  }
}

function ok(body: unknown): Reply {
  return { status: 200, body };
}

function meta(name: string, s: Secret): FlySecretMeta {
  return { name, digest: s.digest, created_at: s.created_at, updated_at: s.updated_at };
}

/** components/schemas/Machine; `summary` omits the config (Machines_list `summary`). */
function machineView(m: Machine, summary: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: m.id,
    name: m.name,
    state: m.state,
    region: m.region,
    instance_id: m.instance_id,
    created_at: m.created_at,
    updated_at: m.updated_at,
  };
  if (!summary) view.config = cloneJson(m.config);
  return view;
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
