import { CATALOG, SecretEntry } from "../../catalog";
import { Model, planDeliveries, PREVIOUS_SUFFIX } from "../../model";
import { RUNTIME_SERVICES } from "../../model/runbookConfig";
import { Impact } from "./log";

const uniq = <T>(xs: T[]): T[] => [...new Set(xs)];

/** The secret catalog entries a rotation can name: secrets that are not produced with another one. */
export const rotatableSecrets = (): SecretEntry[] =>
  CATALOG.filter((e): e is SecretEntry => e.kind === "secret" && !e.rotatesWith);

/**
 * Checks a variable named on the command line and returns its catalog entry. The messages say what
 * to run instead: the leader of a pair, or the list of variables that rotate.
 */
export function resolveSecret(variable: string, stack: string, operator: string): SecretEntry {
  const entry = CATALOG.find((e) => e.name === variable);
  const known = rotatableSecrets()
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

/** `a, b and c`. */
export const list = (xs: string[], none = "none"): string =>
  xs.length === 0
    ? none
    : xs.length === 1
      ? xs[0]
      : `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`;

/** The impact as the lines `rotate` prints. */
export function impactLines(i: Impact): string[] {
  return [
    `  services to pick up the new value: ${list(i.services, "none (no runtime service reads it)")}`,
    `  consumers: ${list(i.consumers)}`,
    `  runtime identities: ${list(i.identities)}`,
    `  Secret Manager secrets (new version): ${list(i.secretIds)}`,
    `  platform targets: ${i.targets.length ? i.targets.join("; ") : "none configured (pegasus-secrets:targets)"}`,
  ];
}
