/**
 * The keeper scheme and what a rotation touches, as pure data (DESIGN.md D2). The program (its
 * `rotationKeepers` output), the offline plan and the runbook commands all read keepers and impact
 * through these functions, so the three can never disagree about which generation a stack runs.
 */
import { CATALOG, CatalogEntry, SecretEntry } from "../catalog";
import type { Model } from "./model";
import { planDeliveries, PREVIOUS_SUFFIX } from "./deliveries";
import { RUNTIME_SERVICES } from "./runbookConfig";
import { configKeyOf } from "./sources";

/** The keeper of a variable that `rotations` does not mention yet. */
export const INITIAL_KEEPER = "initial";

/** Keepers the runbook writes: the UTC date and a counter, `2026-11-29.1`. */
const KEEPER_RE = /^(\d{4}-\d{2}-\d{2})\.(\d+)$/;

/** The next keeper: today's date (UTC) and one more than any keeper of that day already used. */
export function nextKeeper(now: Date, used: Iterable<string>): string {
  const day = now.toISOString().slice(0, 10);
  let max = 0;
  for (const k of used) {
    const m = KEEPER_RE.exec(k);
    if (m && m[1] === day) max = Math.max(max, Number(m[2]));
  }
  return `${day}.${max + 1}`;
}

/** The date a runbook keeper was made, or null for `initial` and hand-written keepers. */
export const keeperDate = (keeper: string): Date | null => {
  const m = KEEPER_RE.exec(keeper);
  return m ? new Date(`${m[1]}T00:00:00Z`) : null;
};

/**
 * Variable -> keeper of its current value, one per variable that has a keeper of its own (a
 * follower such as `AWS_ACCESS_KEY_ID` rotates with its leader and is not listed). This is the
 * stack's `rotationKeepers` output, the plan's keepers and what `verify` records.
 */
export function rotationKeepers(model: Model): Record<string, string> {
  return Object.fromEntries(
    model.secrets.filter((s) => !s.rotatesWith).map((s) => [s.variable, s.keeper]),
  );
}

/** Variable -> keeper of the previous value still valid (signing keys in their overlap window). */
export function previousKeepers(model: Model): Record<string, string> {
  return Object.fromEntries(
    model.secrets
      .filter((s) => s.previousKeeper !== undefined)
      .map((s) => [s.variable, s.previousKeeper!]),
  );
}

/** Who and what a rotation touches, computed from the catalog and the stack config. */
export interface Impact {
  /** The variable and those produced with it (`AWS_ACCESS_KEY_ID` with `AWS_SECRET_ACCESS_KEY`). */
  variables: string[];
  /** Consumers that receive it: `api`, `worker`, `ci`. */
  consumers: string[];
  /** Runtime services that must pick up the new value (restart or redeploy). */
  services: string[];
  /** Runtime identities that read it from Secret Manager. */
  identities: string[];
  /** Secret Manager secrets that get a new version. */
  secretIds: string[];
  /** Platform deliveries that carry it (`render:<env group>`, `fly:<app>`, ...), when configured. */
  targets: string[];
}

const uniq = <T>(xs: T[]): T[] => [...new Set(xs)];

/** The secret catalog entries a rotation can name: secrets that are not produced with another one. */
export const rotatableSecrets = (catalog: CatalogEntry[] = CATALOG): SecretEntry[] =>
  catalog.filter((e): e is SecretEntry => e.kind === "secret" && !e.rotatesWith);

/**
 * Checks a variable named on the command line and returns its catalog entry. The messages say what
 * to run instead: the leader of a pair, or the list of variables that rotate.
 */
export function resolveSecret(
  variable: string,
  stack: string,
  operator: string,
  catalog: CatalogEntry[] = CATALOG,
): SecretEntry {
  const entry = catalog.find((e) => e.name === variable);
  const known = rotatableSecrets(catalog)
    .map((e) => e.name)
    .join(", ");
  if (!entry) {
    throw new Error(`Unknown variable "${variable}". Secrets that rotate: ${known}.`);
  }
  if (entry.kind !== "secret") {
    throw new Error(
      `${variable} is plain config, not a secret: it has no keeper to rotate. Change it with pulumi config set --path 'plain.${variable}' <value> --stack ${stack}.`,
    );
  }
  if (entry.rotatesWith) {
    throw new Error(
      `${variable} rotates with ${entry.rotatesWith} (one resource produces both): run npx pegasus-secrets rotate ${entry.rotatesWith} --stack ${stack} --operator ${operator}.`,
    );
  }
  return entry;
}

/**
 * Who and what a rotation of `variable` touches in one stack: the variables produced with it, their
 * consumers, the runtime services that must pick up the new value, the identities that read it, its
 * Secret Manager secrets, and the platform deliveries that carry it.
 */
export function impactOf(model: Model, variable: string): Impact {
  const secrets = model.secrets.filter(
    (s) => s.variable === variable || s.rotatesWith === variable,
  );
  const variables = uniq(secrets.map((s) => s.variable));
  const consumers = uniq(secrets.flatMap((s) => s.consumers)).map(String);
  const accessors = new Set(secrets.flatMap((s) => s.accessors));
  return {
    variables,
    consumers,
    services: consumers.filter((c) => (RUNTIME_SERVICES as readonly string[]).includes(c)),
    identities: model.identities.filter((i) => accessors.has(i.consumer)).map((i) => i.email),
    secretIds: secrets.map((s) => s.secretId),
    targets: planDeliveries(model)
      .filter((d) => d.secrets.some((s) => variables.includes(s.variable)))
      .map((d) => d.destination),
  };
}

/** Where `finalize` removes `<VAR>_PREVIOUS`: one line per platform delivery that carries it. */
export function previousVariables(model: Model, variable: string): string[] {
  const key = `${variable}${PREVIOUS_SUFFIX}`;
  return planDeliveries(model)
    .filter((d) => d.secrets.some((s) => s.key === key))
    .map((d) => `${key} on ${d.destination}`);
}

/**
 * The commands that store an external secret's new value, one per config key: `seal` when the
 * stack seals its external values with a KMS key, else `pulumi config set --secret`.
 */
export const configSetCommands = (
  model: Model,
  variable: string,
  stack: string,
  operator = "<you>",
): string[] =>
  model.config.sealedValues
    ? model.secrets
        .filter((s) => s.variable === variable && configKeyOf(s.value))
        .map(
          (s) =>
            `npx pegasus-secrets seal ${variable} --stack ${stack}${s.scope === "shared" ? "" : ` --consumer ${s.scope}`} --operator ${operator}`,
        )
    : externalKeysOf(model, variable).map(
        (k) => `pulumi config set --secret ${k} --stack ${stack}`,
      );

/** The encrypted config keys that hold a variable's external values in one stack (none otherwise). */
export const externalKeysOf = (model: Model, variable: string): string[] =>
  model.secrets.filter((s) => s.variable === variable).flatMap((s) => configKeyOf(s.value) ?? []);
