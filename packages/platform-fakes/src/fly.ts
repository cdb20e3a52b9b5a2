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
 *
 * This file is the fake itself and its test helpers; the state is in flyState.ts, the routes in
 * flyRoutes.ts.
 */
import { cloneJson, randomHex } from "./data";
import type { FakeServerOptions, Reply } from "./fakeTypes";
import { flyError, flyRoutes } from "./flyRoutes";
import {
  FlyState,
  machineView,
  meta,
  type FlyMachineRestartRecord,
  type FlyMachineSeed,
  type FlyMachineUpdateRecord,
  type FlySecretMeta,
} from "./flyState";
import { OpenApiContract } from "./openApiContract";
import { OpenApiFakeServer, type OperationHandler } from "./openApiFake";

/** Constructor options of `FakeFly`. */
export type FakeFlyOptions = FakeServerOptions;

/**
 * Stateful fake of the Fly Machines API. `start()` resolves with `http://127.0.0.1:<port>/v1`, the
 * stand-in for `https://api.machines.dev/v1`.
 */
export class FakeFly extends OpenApiFakeServer {
  protected readonly basePath = "/v1";
  protected readonly urlPath = "/v1";
  protected readonly platform = "Fly";
  protected readonly contract = OpenApiContract.load("fly");

  private readonly state = new FlyState(() => this.now());

  protected readonly handlers: Record<string, OperationHandler> = flyRoutes(
    this.state,
    (ctx, message) => this.violate(ctx, message),
  );

  constructor(options: FakeFlyOptions = {}) {
    super(options);
  }

  // ---------------------------------------------------------------------------------------------
  // Test helpers (no HTTP).

  /** Adds an app, optionally with machines. */
  addApp(name: string, options: { machines?: FlyMachineSeed[] } = {}): void {
    this.state.apps.set(name, {
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
    return this.state.apps.has(name);
  }

  /** Someone destroys the app (`fly apps destroy`): its secrets and machines go with it. */
  removeApp(name: string): void {
    this.state.app(name);
    this.state.apps.delete(name);
  }

  /** Adds a machine running the app's current secrets; returns its id. */
  addMachine(appName: string, seed: FlyMachineSeed): string {
    const app = this.state.app(appName);
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
      secrets: this.state.snapshot(app),
    });
    return id;
  }

  /** Names of the app's secrets, sorted. */
  secretNames(appName: string): string[] {
    return [...this.state.app(appName).secrets.keys()].sort();
  }

  /** A secret's value as last written (the real Fly never returns it); undefined if unset. */
  secretValue(appName: string, name: string): string | undefined {
    return this.state.app(appName).secrets.get(name)?.value;
  }

  /** A secret's metadata as the API shows it; undefined if unset. */
  secretMeta(appName: string, name: string): FlySecretMeta | undefined {
    const secret = this.state.app(appName).secrets.get(name);
    return secret ? meta(name, secret) : undefined;
  }

  /** The app's current secrets version. */
  secretsVersion(appName: string): number {
    return this.state.app(appName).version;
  }

  /**
   * Someone else changes a secret (`fly secrets set` by a human; drift tests): sets it, or
   * unsets it when `value` is undefined. Bumps the secrets version like any change.
   */
  setSecretOutOfBand(appName: string, name: string, value: string | undefined): void {
    const app = this.state.app(appName);
    const changed =
      value === undefined ? app.secrets.delete(name) : this.state.applySecret(app, name, value);
    if (changed) app.version += 1;
  }

  /** Machine updates accepted for the app, oldest first (copies). */
  machineUpdates(appName: string): FlyMachineUpdateRecord[] {
    return cloneJson(this.state.app(appName).updates);
  }

  /** Machine restarts for the app, oldest first (copies). */
  machineRestarts(appName: string): FlyMachineRestartRecord[] {
    return cloneJson(this.state.app(appName).restarts);
  }

  /** A machine as the API shows it, plus the secrets version it runs. */
  machine(
    appName: string,
    machineId: string,
  ): Record<string, unknown> & { secretsVersion: number } {
    const machine = this.state.machineOf(appName, machineId);
    return { ...machineView(machine, false), secretsVersion: machine.secretsVersion };
  }

  /** The secret values a machine runs with (snapshot taken at its last update). */
  machineSecrets(appName: string, machineId: string): Record<string, string> {
    return { ...this.state.machineOf(appName, machineId).secrets };
  }

  // ---------------------------------------------------------------------------------------------
  // Platform behaviour.

  protected authSchemes(): string[] {
    // PLATFORM_APIS.md §2: fly-go sends FlyV1 for macaroons and Bearer otherwise.
    return ["Bearer", "FlyV1"];
  }

  protected errorReply(status: number, message: string): Reply {
    return flyError(status, message);
  }
}
