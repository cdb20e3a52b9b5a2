import { CatalogEntry, Consumer, GcpConsumer, PlainEntry } from "../catalog";
import { validateCatalog } from "./catalog";
import { parseStackConfig, PROJECT, RawConfig, SourceConfig, StackConfig } from "./config";
import { checkConfigMaps, checkUnknownKeys } from "./configChecks";
import { IssueList } from "./errors";
import { collidingStacks, placeholdersOf, SiblingStack } from "./placeholders";
import { checkSealedValues } from "./sealedValues";
import { modelIdentities, modelSecrets } from "./secretValues";
import { buildSignals, EmergencyGrant, resolveEmergencyGrants, Signals } from "./signals";
import { checkEmergencyAccess } from "./signalsConfig";
import { ValueSource } from "./sources";

/** A runtime identity on GCP. `email` is known before deployment: created accounts have a fixed email. */
export interface IdentityModel {
  consumer: GcpConsumer;
  mode: "create" | "reference";
  accountId?: string;
  email: string;
  member: string;
}

/** One value stored in Secret Manager: a variable for one consumer, or shared by all its consumers. */
export interface SecretValueModel {
  variable: string;
  /** The consumer this value belongs to, or `shared`. */
  scope: Consumer | "shared";
  /** Who receives this value (never `mobile`). */
  consumers: Consumer[];
  /** Logical name, kebab-case: `openai-api-key-api`. */
  name: string;
  /** Secret Manager secret ID (physical name), distinct per stack through the prefix. */
  secretId: string;
  /** The source the stack chose for this variable (or the catalog's default). */
  source: SourceConfig;
  /** How the value is produced, with everything its resources need (`stacks/` materialises it). */
  value: ValueSource;
  /** The rotation keeper of the current value. */
  keeper: string;
  /** While a rotation is open: the keeper of the previous value, still valid until `finalize`. */
  previousKeeper?: string;
  rotationDays: number;
  overlap: boolean;
  /** Consumers with a GCP runtime identity: exactly the accessor grants (D4). */
  accessors: GcpConsumer[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Set on the follower of a pair produced by one resource (`AWS_ACCESS_KEY_ID` follows the secret key). */
  rotatesWith?: string;
}

/** A row of the access matrix: one accessor grant. */
export interface GrantModel {
  variable: string;
  secretId: string;
  consumer: GcpConsumer;
  member: string;
}

export interface PlainModel {
  variable: string;
  value: string;
  consumers: Consumer[];
}

/** Everything one stack declares, as plain data. Components only materialise it. */
export interface Model {
  config: StackConfig;
  identities: IdentityModel[];
  secrets: SecretValueModel[];
  grants: GrantModel[];
  plain: PlainModel[];
  rotationTopic: string;
  /** Config keys of external values, with the variable they hold: for the plan's markers and errors. */
  externalKeys: { key: string; variable: string; scope: Consumer | "shared" }[];
  /** The alerts that reach a person, built from the same accessors as the IAM grants. */
  signals: Signals;
  /** Time-boxed break-glass reads, each on one secret. */
  emergencyGrants: EmergencyGrant[];
}

/**
 * Catalog + stack config -> model. Validates both first and throws a `ConfigError` listing every
 * problem; returns only when the whole stack is valid, so nothing is ever half-declared.
 */
export function buildModel(
  catalog: CatalogEntry[],
  stack: string,
  raw: RawConfig,
  context: {
    /** The other stacks of the project: two that would own the same secrets both refuse. */
    siblings?: SiblingStack[];
    /** A real `pulumi up`: the committed placeholder IDs and URLs are refused with the rest. */
    applying?: boolean;
  } = {},
): Model {
  validateCatalog(catalog);
  const issues = new IssueList();
  const cfg = parseStackConfig(stack, raw, issues);
  checkUnknownKeys(catalog, stack, raw, issues);
  for (const i of collidingStacks(cfg, context.siblings ?? [])) issues.add(i.key, i.problem, i.fix);
  if (context.applying) {
    for (const i of placeholdersOf(cfg))
      issues.add(i.key, `${i.problem} A real pulumi up refuses it.`, i.fix);
  }
  checkConfigMaps(catalog, stack, cfg, issues);
  const identities = modelIdentities(cfg, issues);
  const identityOf = new Map(identities.map((i) => [i.consumer, i]));
  const { secrets, externalKeys } = modelSecrets(catalog, cfg, raw, identityOf, issues);
  const keyOf = (path: string) => `${PROJECT}:${path}`;
  checkSealedValues(
    cfg.sealedValues,
    externalKeys.map((k) => k.key),
    keyOf,
    issues,
    stack,
  );

  const grants: GrantModel[] = secrets.flatMap((s) =>
    s.accessors.map((consumer) => ({
      variable: s.variable,
      secretId: s.secretId,
      consumer,
      member: identityOf.get(consumer)!.member,
    })),
  );

  const plain: PlainModel[] = catalog
    .filter((e): e is PlainEntry => e.kind === "plain")
    .map((e) => ({
      variable: e.name,
      value: cfg.plain[e.name] ?? e.default ?? "",
      consumers: e.consumers,
    }));

  const emergencyGrants = resolveEmergencyGrants(cfg, secrets, issues, (p) => `${PROJECT}:${p}`);
  cfg.emergencyAccess.forEach((g, i) =>
    checkEmergencyAccess(
      g,
      `${PROJECT}:emergencyAccess.${i}`,
      issues,
      `npx pegasus-secrets revoke-access ${g.variable} --stack ${stack} --incident ${g.incident} --operator <you>, then grant it again with grant-access`,
    ),
  );

  issues.throwIfAny(`Invalid configuration for stack "${stack}"`);
  return {
    config: cfg,
    identities,
    secrets,
    grants,
    plain,
    rotationTopic: `${cfg.secretIdPrefix}-secret-rotation`,
    externalKeys,
    signals: buildSignals(cfg, secrets, identities),
    emergencyGrants,
  };
}
