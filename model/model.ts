import {
  CatalogEntry,
  Consumer,
  GCP_CONSUMERS,
  GcpConsumer,
  PlainEntry,
  SecretEntry,
  SourceKind,
} from "../catalog";
import { validateCatalog } from "./catalog";
import {
  CONFIG_KEYS,
  parseStackConfig,
  PROJECT,
  RawConfig,
  SourceConfig,
  StackConfig,
} from "./config";
import { IssueList } from "./errors";
import { kebab, PATTERNS, serviceAccountMember } from "./naming";
import { INITIAL_KEEPER } from "./rotation";
import { collidingStacks, placeholdersOf, SiblingStack } from "./placeholders";
import { plainExample, plainValueProblem } from "./plainValues";
import { buildSignals, EmergencyGrant, resolveEmergencyGrants, Signals } from "./signals";
import { checkEmergencyAccess } from "./signalsConfig";
import { externalConfigKey, possibleExternalKeys, ValueSource, valueSource } from "./sources";
import { didYouMean } from "./suggest";

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

const sourceKindOf = (s: SourceConfig): SourceKind => s.kind;

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
  const byName = new Map(catalog.map((e) => [e.name, e]));
  const known = catalog.map((e) => e.name).join(", ");

  const checkVariables = (
    mapKey: string,
    names: string[],
    allowed: (e: CatalogEntry) => string | undefined,
  ) => {
    for (const name of names) {
      const entry = byName.get(name);
      const at = `${PROJECT}:${mapKey}.${name}`;
      if (!entry) {
        issues.add(
          at,
          `unknown variable "${name}".`,
          `use one of ${known}, or remove it: pulumi config rm --path '${mapKey}.${name}' --stack ${stack}`,
        );
        continue;
      }
      const why = allowed(entry);
      if (why)
        issues.add(
          at,
          why,
          `remove it: pulumi config rm --path '${mapKey}.${name}' --stack ${stack}`,
        );
    }
  };

  // rotations / previousKeepers: known secret variables, well-formed keepers.
  for (const mapKey of ["rotations", "previousKeepers"] as const) {
    const map = cfg[mapKey];
    checkVariables(mapKey, Object.keys(map), (e) => {
      if (e.kind !== "secret")
        return `"${e.name}" is plain config, not a secret: it has no keeper.`;
      if (e.rotatesWith)
        return `"${e.name}" rotates with ${e.rotatesWith}: set the keeper of ${e.rotatesWith} instead.`;
      return undefined;
    });
    for (const [name, keeper] of Object.entries(map)) {
      if (typeof keeper !== "string" || !PATTERNS.keeper.re.test(keeper)) {
        issues.add(
          `${PROJECT}:${mapKey}.${name}`,
          `keeper "${String(keeper)}" is malformed: expected ${PATTERNS.keeper.rule}.`,
          `pulumi config set --path '${mapKey}.${name}' "$(date -u +%F).1" --stack ${stack}`,
        );
      }
    }
  }
  for (const [name, prev] of Object.entries(cfg.previousKeepers)) {
    if (prev === (cfg.rotations[name] ?? INITIAL_KEEPER)) {
      issues.add(
        `${PROJECT}:previousKeepers.${name}`,
        `equals the current keeper of ${name}; the previous value must differ.`,
        `run \`npx pegasus-secrets finalize ${name} --stack ${stack}\` or remove it: pulumi config rm --path 'previousKeepers.${name}' --stack ${stack}`,
      );
    }
  }

  // sources: a source the variable supports.
  checkVariables("sources", Object.keys(cfg.sources), (e) => {
    if (e.kind !== "secret") return `"${e.name}" is plain config: it has no source.`;
    if (e.rotatesWith)
      return `"${e.name}" takes its source from ${e.rotatesWith}: set that one instead.`;
    const kind = sourceKindOf(cfg.sources[e.name]);
    if (!e.sources.includes(kind))
      return `source "${kind}" is not supported by ${e.name}; it supports ${e.sources.join(", ")}.`;
    return undefined;
  });

  // activeUsers: only a Cloud SQL credential has two users to alternate between.
  checkVariables("activeUsers", Object.keys(cfg.activeUsers), (e) => {
    if (e.kind !== "secret") return `"${e.name}" is plain config: it has no database users.`;
    const kind = (cfg.sources[e.name] ?? { kind: e.defaultSource }).kind;
    return kind === "cloudSql"
      ? undefined
      : `"${e.name}" comes from ${kind}, not a Cloud SQL user pair: only a cloudSql source alternates users.`;
  });

  // plain: known plain variables; every plain variable without a default is required.
  checkVariables("plain", Object.keys(cfg.plain), (e) =>
    e.kind === "secret" ? `"${e.name}" is a secret and never goes in plain config.` : undefined,
  );
  for (const e of catalog) {
    if (e.kind === "plain" && e.default === undefined && cfg.plain[e.name] === undefined) {
      issues.add(
        `${PROJECT}:plain.${e.name}`,
        "is required but not set.",
        `pulumi config set --path 'plain.${e.name}' <value> --stack ${stack}`,
      );
    }
  }
  for (const [name, value] of Object.entries(cfg.plain)) {
    const entry = byName.get(name);
    const fix = (example: string) =>
      `pulumi config set --path 'plain.${name}' ${example} --stack ${stack}`;
    if (value.length > 4096) {
      issues.add(`${PROJECT}:plain.${name}`, "is longer than 4096 characters.", "shorten it.");
    } else if (entry?.kind === "plain") {
      const problem = plainValueProblem(entry, value);
      if (problem) issues.add(`${PROJECT}:plain.${name}`, problem, fix(plainExample(entry)));
    }
  }

  // Identities.
  const identities: IdentityModel[] = [];
  for (const consumer of GCP_CONSUMERS) {
    const id = cfg.identities[consumer];
    if (!id) continue;
    const email =
      "email" in id ? id.email : `${id.accountId}@${cfg.gcpProject}.iam.gserviceaccount.com`;
    identities.push({
      consumer,
      mode: "email" in id ? "reference" : "create",
      accountId: "accountId" in id ? id.accountId : undefined,
      email,
      member: serviceAccountMember(email),
    });
  }
  const emails = identities.map((i) => i.email);
  if (new Set(emails).size !== emails.length) {
    issues.add(
      `${PROJECT}:identities`,
      "two consumers share one runtime identity; API, worker and CI need separate identities (least privilege).",
      "give each consumer its own accountId or email.",
    );
  }
  const identityOf = new Map(identities.map((i) => [i.consumer, i]));

  // Secret values.
  const secrets: SecretValueModel[] = [];
  const externalKeys: Model["externalKeys"] = [];
  for (const entry of catalog) {
    if (entry.kind !== "secret") continue;
    const leader = entry.rotatesWith
      ? (byName.get(entry.rotatesWith) as SecretEntry | undefined)
      : undefined;
    const source: SourceConfig =
      cfg.sources[leader?.name ?? entry.name] ??
      ({ kind: (leader ?? entry).defaultSource } as SourceConfig);
    const keeper = cfg.rotations[leader?.name ?? entry.name] ?? INITIAL_KEEPER;
    const previousKeeper = cfg.previousKeepers[leader?.name ?? entry.name];
    const receivers = entry.consumers.filter((c) => c !== "mobile");
    const scopes: (Consumer | "shared")[] = entry.scope === "shared" ? ["shared"] : receivers;
    for (const scope of scopes) {
      const consumers = scope === "shared" ? receivers : [scope];
      const name = kebab(entry.name) + (scope === "shared" ? "" : `-${scope}`);
      const secretId = `${cfg.secretIdPrefix}-${name}`;
      const accessors = consumers.filter((c): c is GcpConsumer => identityOf.has(c as GcpConsumer));
      if (source.kind === "gcsHmac") {
        for (const c of consumers) {
          if (!identityOf.get(c as GcpConsumer)) {
            issues.add(
              `${PROJECT}:identities.${c}`,
              `${entry.name} comes from a GCS HMAC key of the ${c} runtime identity, which this stack does not have.`,
              `add the identity (pulumi config set --path 'identities.${c}.accountId' ${cfg.secretIdPrefix}-${c} --stack ${stack}) or make ${leader?.name ?? entry.name} external (pulumi config set --path 'sources.${leader?.name ?? entry.name}.kind' external --stack ${stack}).`,
            );
          }
        }
      }
      if (source.kind === "external") {
        const configKey = externalConfigKey(entry.name, scope);
        const full = `${PROJECT}:${configKey}`;
        externalKeys.push({ key: configKey, variable: entry.name, scope });
        const value = raw.get(full);
        if (value === undefined || value === "") {
          issues.add(
            full,
            `holds the external value of ${entry.name}${scope === "shared" ? "" : ` for ${scope}`} and is not set.`,
            `pulumi config set --secret ${configKey} --stack ${stack}   (then paste the value at the prompt)`,
          );
        } else if (!raw.isSecret(full)) {
          issues.add(
            full,
            `is stored as plaintext; ${entry.name} is a secret and must be encrypted.`,
            `pulumi config set --secret ${configKey} --stack ${stack}   (re-enter the value so it is stored as \`secure:\`), then rotate it: it has been in plaintext.`,
          );
        }
      }
      const consumersCsv = consumers.join(",");
      const usage = consumers
        .map((c) => entry.usage?.[c] && `${c}:${entry.usage[c]}`)
        .filter(Boolean)
        .join(",");
      secrets.push({
        variable: entry.name,
        scope,
        consumers,
        name,
        secretId,
        source,
        value: valueSource({
          variable: entry.name,
          scope,
          source,
          keeper,
          previousKeeper,
          activeUser: cfg.activeUsers[leader?.name ?? entry.name] ?? "a",
          length: entry.length ?? 32,
          hmacField: entry.hmacField,
          secretIdPrefix: cfg.secretIdPrefix,
        }),
        keeper,
        previousKeeper,
        rotationDays: entry.rotationDays,
        overlap: entry.overlap,
        accessors,
        rotatesWith: entry.rotatesWith,
        labels: {
          "managed-by": "pegasus-secrets",
          stack: cfg.stack,
          owner: cfg.owner,
          variable: entry.name.toLowerCase(),
          scope,
          "rotation-days": String(entry.rotationDays),
          ...Object.fromEntries(consumers.map((c) => [`consumer-${c}`, "true"])),
        },
        annotations: {
          "pegasus.dev/variable": entry.name,
          "pegasus.dev/consumers": consumersCsv,
          "pegasus.dev/rotation-period": `${entry.rotationDays}d`,
          "pegasus.dev/owner": cfg.owner,
          "pegasus.dev/source": source.kind,
          ...(entry.overlap
            ? { "pegasus.dev/overlap": "previous value valid until finalize" }
            : {}),
          ...(usage ? { "pegasus.dev/usage": usage } : {}),
        },
      });
    }
  }

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

/**
 * Keys of this project's namespace that the program does not read: a typo (`rotation` for
 * `rotations`) would otherwise be ignored, and the operator would believe it took effect.
 */
function checkUnknownKeys(
  catalog: CatalogEntry[],
  stack: string,
  raw: RawConfig,
  issues: IssueList,
): void {
  const known = [...Object.keys(CONFIG_KEYS), ...possibleExternalKeys(catalog)];
  for (const full of raw.keys?.() ?? []) {
    if (!full.startsWith(`${PROJECT}:`)) continue;
    const name = full.slice(PROJECT.length + 1);
    if (known.includes(name)) continue;
    const hint = didYouMean(name, known);
    issues.add(
      full,
      `is not a key of this project, so nothing reads it.${hint}`,
      hint
        ? `rename it in Pulumi.${stack}.yaml.`
        : `remove it: pulumi config rm ${full} --stack ${stack} (README.md, "Config reference", lists every key).`,
    );
  }
}
