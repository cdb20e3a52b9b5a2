/**
 * The runtime identities and the stored secret values of a stack, from the catalog and its config:
 * one value per consumer or one shared, its Secret Manager ID, its source and keepers, who may read
 * it, and its labels. Problems (an HMAC key without its identity, an external value unset or in
 * plaintext) are added to the issue list.
 */
import { CatalogEntry, Consumer, GCP_CONSUMERS, GcpConsumer, SecretEntry } from "../catalog";
import { PROJECT, RawConfig, SourceConfig, StackConfig } from "./config";
import { IssueList } from "./errors";
import type { IdentityModel, Model, SecretValueModel } from "./model";
import { kebab, serviceAccountMember } from "./naming";
import { INITIAL_KEEPER } from "./rotation";
import { externalConfigKey, valueSource } from "./sources";

/** The stack's runtime identities; two consumers sharing one is refused. */
export function modelIdentities(cfg: StackConfig, issues: IssueList): IdentityModel[] {
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
  return identities;
}

/** One secret a catalog entry stores, before any stack: its scope, readers and ID suffix. */
export interface StoredSecret {
  /** `shared` (one value for every consumer) or the one consumer whose own value it holds. */
  scope: Consumer | "shared";
  /**
   * The consumers whose runtime identities may read it: its IAM accessor grant and the
   * unexpected-access alert are both built from this list (a stack grants those it has identities for).
   */
  consumers: Consumer[];
  /** Its secret ID after the stack's `secretIdPrefix-`. */
  name: string;
}

/** The secrets one catalog entry stores in Secret Manager: one shared, or one per consumer. */
export function storedSecrets(entry: SecretEntry): StoredSecret[] {
  const receivers = entry.consumers.filter((c) => c !== "mobile");
  const scopes: (Consumer | "shared")[] = entry.scope === "shared" ? ["shared"] : receivers;
  return scopes.map((scope) => ({
    scope,
    consumers: scope === "shared" ? receivers : [scope],
    name: kebab(entry.name) + (scope === "shared" ? "" : `-${scope}`),
  }));
}

/** Every stored value of every secret, and the external config keys they read. */
export function modelSecrets(
  catalog: CatalogEntry[],
  cfg: StackConfig,
  raw: RawConfig,
  identityOf: Map<GcpConsumer, IdentityModel>,
  issues: IssueList,
): { secrets: SecretValueModel[]; externalKeys: Model["externalKeys"] } {
  const stack = cfg.stack;
  const byName = new Map(catalog.map((e) => [e.name, e]));
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
    for (const { scope, consumers, name } of storedSecrets(entry)) {
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
        const set = value !== undefined && value !== "";
        const sealed = cfg.sealedValues?.values[configKey];
        const seal = `npx pegasus-secrets seal ${entry.name} --stack ${stack}${scope === "shared" ? "" : ` --consumer ${scope}`} --operator <you>`;
        if (sealed !== undefined) {
          if (set) {
            issues.add(
              full,
              `is set, and ${entry.name}${scope === "shared" ? "" : ` for ${scope}`} is also sealed (sealedValues.values.${configKey}): one value, in one place.`,
              `keep the sealed one: pulumi config rm ${full} --stack ${stack}`,
            );
          }
        } else if (!set) {
          issues.add(
            full,
            `holds the external value of ${entry.name}${scope === "shared" ? "" : ` for ${scope}`} and is not set.`,
            cfg.sealedValues
              ? `${seal}   (paste the value at the prompt; it is sealed with ${cfg.sealedValues.key})`
              : `pulumi config set --secret ${configKey} --stack ${stack}   (then paste the value at the prompt)`,
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
  return { secrets, externalKeys };
}
