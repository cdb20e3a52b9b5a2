/**
 * The state of the Fly.io fake: apps with their secrets (value, digest, timestamps) and secrets
 * version, and machines with the secrets version and values they run. Also the JSON views
 * (components/schemas) the routes and the test helpers share. No HTTP here.
 */
import { createHmac } from "node:crypto";
import { cloneJson, randomHex } from "./data";

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

/** A secret as the fake keeps it: the value, which the API never shows, and its metadata. */
export interface Secret {
  value: string;
  digest: string;
  created_at: string;
  updated_at: string;
}

/** A machine with the config and the secrets it runs with. */
export interface Machine {
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

/** An app: its secrets, secrets version, machines and what happened to them. */
export interface App {
  name: string;
  secrets: Map<string, Secret>;
  version: number;
  machines: Map<string, Machine>;
  updates: FlyMachineUpdateRecord[];
  restarts: FlyMachineRestartRecord[];
}

/** What a secret name must look like (an env var name). */
export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Everything the Fly fake holds; `now` is the fake's clock (strictly increasing timestamps). */
export class FlyState {
  readonly apps = new Map<string, App>();
  readonly now: () => string;
  /** Key of the digests: random per fake, so digests are opaque and stable within it. */
  private readonly digestKey = randomHex(32);

  constructor(now: () => string) {
    this.now = now;
  }

  /** Sets a secret; returns whether anything changed. */
  applySecret(app: App, name: string, value: string): boolean {
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

  /** Metadata of every secret of the app, sorted by name. */
  metas(app: App): FlySecretMeta[] {
    return [...app.secrets.keys()].sort().map((name) => meta(name, app.secrets.get(name)!));
  }

  /** The secret values of the app, for a machine that picks them up. */
  snapshot(app: App): Record<string, string> {
    return Object.fromEntries([...app.secrets].map(([name, s]) => [name, s.value]));
  }

  /** The app; throws when it does not exist. */
  app(name: string): App {
    const app = this.apps.get(name);
    if (!app) throw new Error(`FakeFly: no app ${name}`);
    return app;
  }

  /** The machine of an app; throws when either does not exist. */
  machineOf(appName: string, machineId: string): Machine {
    const machine = this.app(appName).machines.get(machineId);
    if (!machine) throw new Error(`FakeFly: no machine ${machineId} in ${appName}`);
    return machine;
  }
}

/** A secret's metadata as the API shows it. */
export function meta(name: string, s: Secret): FlySecretMeta {
  return { name, digest: s.digest, created_at: s.created_at, updated_at: s.updated_at };
}

/** components/schemas/Machine; `summary` omits the config (Machines_list `summary`). */
export function machineView(m: Machine, summary: boolean): Record<string, unknown> {
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
