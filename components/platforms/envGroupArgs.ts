import * as pulumi from "@pulumi/pulumi";
import { PLATFORM_PATTERNS } from "../../model/naming";

/**
 * What every platform component takes, whatever the platform (STYLE 3.2): the same two maps, so a
 * stack moves a consumer from one platform to another without changing what it passes.
 */
export interface EnvGroupArgs {
  /** Plain (non-secret) variables: name -> value. Names decide which keys exist, so they are plain. */
  vars: Record<string, string>;
  /** Secret variables: name -> value. Each value is wrapped in `pulumi.secret` by the component. */
  secrets: Record<string, pulumi.Input<string>>;
}

/** Checks the shared args; throws an `Error` naming the arg and the key. */
export function validateEnvGroupArgs(component: string, args: EnvGroupArgs): void {
  const names = [...Object.keys(args.vars ?? {}), ...Object.keys(args.secrets ?? {})];
  for (const k of names) {
    if (!PLATFORM_PATTERNS.envKey.re.test(k)) {
      throw new Error(
        `${component}: variable name "${k}" is not valid: expected ${PLATFORM_PATTERNS.envKey.rule}.`,
      );
    }
  }
  for (const k of Object.keys(args.vars ?? {})) {
    if (k in (args.secrets ?? {})) {
      throw new Error(`${component}: "${k}" is in both \`vars\` and \`secrets\`; pass it once.`);
    }
    if (typeof args.vars[k] !== "string") {
      throw new Error(`${component}: \`vars.${k}\` must be a string.`);
    }
  }
  if (names.length === 0) {
    throw new Error(`${component}: \`vars\` and \`secrets\` are both empty; nothing to deliver.`);
  }
}

/** The secrets map as the dynamic resource receives it: every value wrapped as secret, names plain. */
export function secretInputs(
  secrets: Record<string, pulumi.Input<string>>,
): Record<string, pulumi.Output<string>> {
  return Object.fromEntries(
    Object.entries(secrets).map(([k, v]) => [k, pulumi.secret(pulumi.output(v))]),
  );
}

/** Checks a plain identifier arg against its pattern; the error names the arg. */
export function requirePattern(
  component: string,
  arg: string,
  value: string,
  pattern: { re: RegExp; rule: string },
): void {
  if (typeof value !== "string" || !pattern.re.test(value)) {
    throw new Error(`${component}: \`${arg}\` "${String(value)}" must be ${pattern.rule}.`);
  }
}

/** The variable names a component delivers, sorted (known at declaration, never a value). */
export const deliveredKeys = (args: EnvGroupArgs): string[] =>
  [...Object.keys(args.vars ?? {}), ...Object.keys(args.secrets ?? {})].sort();

/**
 * Output properties a provider derives from values. The provider returns them wrapped as secret
 * itself; `additionalSecretOutputs` asks the engine to keep them secret as well.
 */
export const DERIVED_SECRET_OUTPUTS = ["hashKey", "hashes"];

/**
 * Options of a component's writer: parented to the component, and ordered by the component's own
 * `dependsOn` too. A component's `dependsOn` does not reach its children by itself, and the writer
 * must wait both for Secret Manager (the system of record) and for any gate a stack puts before
 * this delivery (a readiness check of the previous service, say).
 */
export function childOptions(
  parent: pulumi.ComponentResource,
  opts: pulumi.ComponentResourceOptions | undefined,
  additionalSecretOutputs: string[],
): pulumi.CustomResourceOptions {
  return { parent, dependsOn: opts?.dependsOn, additionalSecretOutputs };
}
