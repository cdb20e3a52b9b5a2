// Submodule imports: type-checking all of @pulumi/gcp costs seconds per `tsc` run.
import * as projects from "@pulumi/gcp/projects";
import { GcpConsumer } from "../catalog";
import {
  DeclaredDelivery,
  declareDeliveries,
  declareStaggeredDeliveries,
  DeliveryValues,
  ManagedSecret,
  RotationNotifications,
  RuntimeIdentity,
  SecretAuditLogging,
  SecretEncryption,
} from "../components";
import {
  Model,
  planDeliveries,
  previousKeepers,
  rotationKeepers,
  SecretValueModel,
} from "../model";
import { LoadedConfig } from "./config";
import { distinctExternalValues } from "./distinct";
import { declareSignals } from "./signals";
import { SecretValues, valueMaterialiser } from "./values";

/** What differs between stacks; everything else is shared. */
export interface StackOptions {
  /** Clock for the first rotation notification; tests pass a fixed date. */
  now?: Date;
  /**
   * Folder of the stack files whose stacks must not own the same secrets (the sibling check).
   * Default: the project's own; tests pass the folder of their fixture stacks.
   */
  stackFilesDir?: string;
}

/** One secret value as declared: its Secret Manager secret and the live values platforms receive. */
export interface DeclaredSecret {
  model: SecretValueModel;
  secret: ManagedSecret;
  value: SecretValues;
}

/** The declared stack: components for later layers (platform delivery) and the stack outputs. */
export interface StackResult {
  model: Model;
  identities: Partial<Record<GcpConsumer, RuntimeIdentity>>;
  secrets: DeclaredSecret[];
  /** One platform delivery per consumer and target (Render, Fly.io, Railway), in model order. */
  deliveries: DeclaredDelivery[];
  outputs: Record<string, unknown>;
}

const REQUIRED_APIS = [
  "secretmanager.googleapis.com",
  "pubsub.googleapis.com",
  "monitoring.googleapis.com",
  "logging.googleapis.com",
];

/** Start of the next UTC day plus the rotation period: stable within a day, and more than 300 s ahead. */
export const firstRotationTime = (now: Date, days: number): string => {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1 + days);
  return new Date(next).toISOString().replace(".000Z", "Z");
};

/**
 * Materialises a validated model: APIs, runtime identities, the rotation topic, audit logging, and per
 * secret value its source (generated, Cloud SQL user, HMAC key, Memorystore, or encrypted config) and its
 * managed secret with exact accessor grants.
 */
export function buildShared(loaded: LoadedConfig, opts: StackOptions = {}): StackResult {
  const { model } = loaded;
  const cfg = model.config;
  const project = cfg.gcpProject;
  const now = opts.now ?? new Date();

  const apis = REQUIRED_APIS.map(
    (service) =>
      new projects.Service(`api-${service.split(".")[0]}`, {
        project,
        service,
        disableOnDestroy: false,
      }),
  );

  const identities: StackResult["identities"] = {};
  for (const id of model.identities) {
    identities[id.consumer] = new RuntimeIdentity(`${id.consumer}-identity`, {
      project,
      accountId: id.accountId,
      email: id.mode === "reference" ? id.email : undefined,
      displayName: `Pegasus ${id.consumer} runtime (${cfg.stack})`,
    });
  }

  const rotation = new RotationNotifications(
    "secret-rotation",
    {
      project,
      topicName: model.rotationTopic,
      labels: { "managed-by": "pegasus-secrets", stack: cfg.stack },
    },
    { dependsOn: apis },
  );

  const encryption =
    Object.keys(cfg.kms.keys).length > 0
      ? new SecretEncryption("secret-encryption", {
          agentEmail: rotation.agentEmail,
          keys: cfg.kms.keys,
        })
      : undefined;

  const audit = cfg.manageAuditConfig
    ? new SecretAuditLogging("secret-audit", { project })
    : undefined;

  const materialise = valueMaterialiser({
    project,
    identities,
    externalValue: distinctExternalValues(model, loaded.externalValue),
  });
  const secrets: DeclaredSecret[] = model.secrets.map((s) => {
    const value = materialise(s);
    const secret = new ManagedSecret(
      s.name,
      {
        project,
        secretId: s.secretId,
        labels: s.labels,
        annotations: s.annotations,
        replicationLocations: cfg.replicationLocations,
        kmsKeys: cfg.kms.keys,
        rotationDays: s.rotationDays,
        nextRotationTime: firstRotationTime(now, s.rotationDays),
        rotationTopicId: rotation.topicId,
        versionDestroyTtlDays: cfg.versionDestroyTtlDays,
        deletionProtection: cfg.deletionProtection,
        current: { keeper: s.keeper, value: value.current },
        // An external or Memorystore value has no second copy to give: the previous version keeps
        // the data it was created with (ManagedSecret never rewrites it).
        previous: s.previousKeeper
          ? { keeper: s.previousKeeper, value: value.previous ?? value.current }
          : undefined,
        accessors: s.accessors.map((c) => identities[c]!.member),
      },
      { dependsOn: [rotation.publisherGrant, ...apis, ...(encryption?.grants ?? [])] },
    );
    return { model: s, secret, value };
  });

  declareSignals(model, rotation, new Map(secrets.map((d) => [d.model.secretId, d.secret])), {
    dependsOn: apis,
  });

  // Platforms receive projections of the values Secret Manager stores, after it stores them (D3, D6).
  // With `rollout` config (production): one service at a time, each behind a readiness gate.
  const declared = new Map(secrets.map((d) => [d.model, d]));
  const values: DeliveryValues = {
    valueOf: (s) => {
      const d = declared.get(s.secret)!;
      return s.generation === "current" ? d.value.current : d.value.previous!;
    },
    storeOf: (s) => declared.get(s.secret)!.secret,
  };
  const deliveries = cfg.rollout
    ? declareStaggeredDeliveries(
        model,
        planDeliveries(model),
        values,
        cfg.rollout,
        cfg.verify?.ready ?? {},
      ).deliveries
    : declareDeliveries(planDeliveries(model), values);

  // Stack outputs: names, IDs and identity emails. Never a value.
  const secretIds: Record<string, Record<string, string>> = {};
  for (const s of model.secrets) (secretIds[s.variable] ??= {})[s.scope] = s.secretId;
  const outputs: Record<string, unknown> = {
    stack: cfg.stack,
    gcpProject: project,
    secretIds,
    identityEmails: Object.fromEntries(Object.entries(identities).map(([c, id]) => [c, id!.email])),
    accessGrants: model.grants.map((g) => `${g.variable} -> ${g.consumer} (${g.member})`),
    rotationTopic: rotation.topicId,
    // The keepers this deployment runs: the runbook records them after each `pulumi up` (applied).
    rotationKeepers: rotationKeepers(model),
    previousKeepers: previousKeepers(model),
    auditLogging: audit ? audit.service : "managed by another stack of this project",
  };
  return { model, identities, secrets, deliveries, outputs };
}
