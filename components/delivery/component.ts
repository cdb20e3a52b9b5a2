import * as pulumi from "@pulumi/pulumi";
import { PLATFORM_PATTERNS } from "../../model/naming";
import { secretOutput } from "../secrets/secretOutput";
import { PackagedProvider, PackagedResource } from "./packaged";

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

/** The args of a delivery component: the shared maps, and how the platform picks up a change. */
export interface DeliveryArgs extends EnvGroupArgs {
  /** How the destination picks up a change; the platform's first choice by default. */
  activation?: string;
  /** Take over existing keys (or a Render group) of the same names; default false. */
  adopt?: boolean;
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
  return Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, secretOutput(v)]));
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

/** `a`, `a or b`, `a, b or c`. */
const oneOf = (choices: readonly string[]): string =>
  choices.length <= 1
    ? (choices[0] ?? "")
    : `${choices.slice(0, -1).join(", ")} or ${choices[choices.length - 1]}`;

/**
 * Output properties a provider derives from values. The provider returns them wrapped as secret
 * itself; `additionalSecretOutputs` asks the engine to keep them secret as well.
 */
export const DERIVED_SECRET_OUTPUTS = ["hashKey", "hashes"];

/** How a platform's component declares its delivery: the program side of the platform. */
export interface DeliveryComponentSpec<Args extends DeliveryArgs> {
  /**
   * PascalCase name: the component is `pegasus:platforms:<type>`, its dynamic resource
   * `pulumi-nodejs:dynamic/pegasus:<type>`.
   */
  type: string;
  /** The platform's provider (`deliveryProvider(adapter)`), packaged from its adapter module. */
  provider: PackagedProvider;
  /** The activation choices (`model/targets.ts`); the first is the default. */
  activations: readonly string[];
  /** Checks the args that name the destination; throws naming the arg. */
  validate(component: string, args: Args): void;
  /** The inputs that name the destination, from the args. */
  identity(args: Args): Record<string, unknown>;
  /** State properties the dynamic resource declares, so the SDK gives them Outputs. */
  state: string[];
  /** The ones the component exposes as its own outputs (besides `keys`). */
  outputs: string[];
  /** Derived state properties besides the hash key and hashes that are secret (Fly.io digests). */
  secretState: string[];
}

/** The dynamic resource that writes one delivery; its type token comes from the spec. */
class DeliveryResource extends PackagedResource {
  constructor(
    spec: DeliveryComponentSpec<DeliveryArgs>,
    name: string,
    props: Record<string, unknown>,
    opts: pulumi.CustomResourceOptions,
  ) {
    const declared = Object.fromEntries(spec.state.map((p) => [p, undefined]));
    super(spec.provider, name, { ...props, ...declared }, opts, "pegasus", spec.type);
  }
}

/**
 * One consumer's variables at one platform destination: validates the args, then declares the
 * dynamic resource that writes them. Each platform's component (`RenderEnvGroup`, `FlyAppSecrets`,
 * `RailwayVariables`) is this class with its platform's spec.
 */
export class DeliveryComponent<Args extends DeliveryArgs> extends pulumi.ComponentResource {
  /** Names of the variables this stack owns at the destination (never values). */
  public readonly keys: pulumi.Output<string[]>;
  /** The resource that writes the variables: what a later step can `dependsOn`. */
  public readonly delivery: pulumi.CustomResource;

  constructor(
    spec: DeliveryComponentSpec<Args>,
    name: string,
    args: Args,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(`pegasus:platforms:${spec.type}`, name, {}, opts);
    const component = spec.type;
    validateEnvGroupArgs(component, args);
    spec.validate(component, args);
    const activation = args.activation ?? spec.activations[0];
    if (!spec.activations.includes(activation)) {
      throw new Error(`${component}: \`activation\` must be ${oneOf(spec.activations)}.`);
    }
    const delivery = new DeliveryResource(
      spec as unknown as DeliveryComponentSpec<DeliveryArgs>,
      name,
      {
        ...spec.identity(args),
        activation,
        adopt: args.adopt ?? false,
        vars: { ...args.vars },
        secrets: secretInputs(args.secrets),
      },
      // Parented to the component, and ordered by the component's own `dependsOn` too: it does not
      // reach children by itself, and the writer must wait for Secret Manager (the system of
      // record) and for any gate a stack puts before this delivery.
      {
        parent: this,
        dependsOn: opts?.dependsOn,
        additionalSecretOutputs: [...DERIVED_SECRET_OUTPUTS, ...spec.secretState],
      },
    );
    this.delivery = delivery;
    const outputs = Object.fromEntries(
      spec.outputs.map((o) => [
        o,
        (delivery as unknown as Record<string, pulumi.Output<unknown>>)[o],
      ]),
    );
    Object.assign(this, outputs);
    this.keys = pulumi.output(deliveredKeys(args));
    this.registerOutputs({ ...outputs, keys: this.keys });
  }
}
