import * as path from "path";
import type * as pulumi from "@pulumi/pulumi";
import { CATALOG } from "../../catalog";
import { buildModel, Model, PROJECT } from "../../model";
import { defaultValueGenerator, planMocks, ValueGenerator } from "./mocks";
import { readStackConfig, StackFileConfig } from "./stackFiles";

export { defaultValueGenerator };
export type { ValueGenerator };

/**
 * The SDK, loaded on first use: it costs about half a second, which a CLI run that stops at a usage
 * error, or a command that never plans, should not pay. Kept once loaded: {@link redact} asks for
 * it at every value of every resource, and a `require` resolves its path again on every call.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- loaded lazily, typed by its module */
const loadSdk = () => ({
  pulumi: require("@pulumi/pulumi") as typeof import("@pulumi/pulumi"),
  mocks: require("@pulumi/pulumi/runtime/mocks") as typeof import("@pulumi/pulumi/runtime/mocks"),
  rpc: require("@pulumi/pulumi/runtime/rpc") as typeof import("@pulumi/pulumi/runtime/rpc"),
  // `waitForRPCs` drains the SDK's RPC queue; it is exported from runtime/settings but not in its typings.
  settings: require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> },
});
/* eslint-enable @typescript-eslint/no-require-imports -- end of the lazy SDK loader */
let loaded: ReturnType<typeof loadSdk> | undefined;
const sdk = () => (loaded ??= loadSdk());

/** What replaces every secret value in the plan. */
export const REDACTED = "[secret]";

/** One declared resource, as the plan prints it. */
export interface PlannedResource {
  type: string;
  name: string;
  /** Logical name of the parent resource, or null at the top. */
  parent: string | null;
  custom: boolean;
  inputs: Record<string, unknown>;
  /** Resource options that matter for review: protection, ignored changes, and the resources it depends on. */
  options: { protect?: boolean; ignoreChanges?: string[]; dependencies?: string[] };
}

/**
 * What the program registered under the mocks, before redaction: resource inputs and stack outputs
 * in the SDK's wire form, so a secret input is `{[specialSigKey]: specialSecretSig, value}` with its
 * value in clear. Only {@link redactRegistrations} reads it; nothing prints it. Its fields are named
 * apart from {@link Evaluation}'s so one can never be passed where the other is expected.
 */
export interface Registrations {
  stack: string;
  files: StackFileConfig;
  model: Model;
  /** Every declared resource, inputs as registered. */
  registered: PlannedResource[];
  /** Stack outputs as exported; a secret output carries the secret signature. */
  exported: Record<string, unknown>;
}

/** Everything one offline evaluation of the program saw, every secret value redacted. */
export interface Evaluation {
  stack: string;
  files: StackFileConfig;
  model: Model;
  resources: PlannedResource[];
  /** Stack outputs, redacted the same way as inputs. */
  outputs: Record<string, unknown>;
}

/** Redacts secrets (and resource references, serialized providers) for printing. */
export function redact(v: unknown): unknown {
  const { specialSigKey, specialSecretSig, specialResourceSig } = sdk().rpc;
  if (Array.isArray(v)) return v.map(redact);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o[specialSigKey] === specialSecretSig) return REDACTED;
    if (o[specialSigKey] === specialResourceSig) return `[resource ${String(o.urn)}]`;
    return Object.fromEntries(
      Object.entries(o).map(([k, x]) =>
        k === "__provider" && typeof x === "string"
          ? [k, `[serialized provider, ${x.length} bytes]`]
          : [k, redact(x)],
      ),
    );
  }
  return v;
}

/**
 * A mock monitor that also records each registration's parent. The SDK's mock hands `newResource`
 * neither the parent nor the URN, and the plan prints the tree. Declared on first use, with the SDK.
 */
const recordingMonitor = () =>
  class RecordingMonitor extends sdk().mocks.MockMonitor {
    readonly seen: pulumi.runtime.MockResourceArgs[] = [];
    readonly parents = new Map<string, string>();
    readonly urnNames = new Map<string, string>();
    readonly options = new Map<
      string,
      { protect: boolean; ignoreChanges: string[]; dependencies: string[] }
    >();
    // The request and response are the SDK's generated protobuf classes, which it does not type here.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- protobuf RegisterResourceRequest, untyped in the SDK
    async registerResource(req: any, callback: (err: unknown, resp?: any) => void) {
      const key = `${req.getType()}::${req.getName()}`;
      const parent = req.getParent();
      if (parent) this.parents.set(key, parent);
      this.options.set(key, {
        protect: req.getProtect() === true,
        ignoreChanges: req.getIgnorechangesList(),
        dependencies: req.getDependenciesList(),
      });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- protobuf RegisterResourceResponse
      return super.registerResource(req, (err: unknown, resp: any) => {
        if (resp) this.urnNames.set(resp.getUrn(), req.getName());
        callback(err, resp);
      });
    }
  };
type RecordingMonitor = InstanceType<ReturnType<typeof recordingMonitor>>;

export interface EvaluateOptions {
  projectDir: string;
  stack: string;
  /** Runs the program and returns its exports. Default: require `<projectDir>/index.ts` (the real entry point). */
  program?: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Values for computed secret outputs; tests pass generators of known random values to hunt for leaks. */
  values?: ValueGenerator;
  /** Replace config values after reading the stack file (tests; `access-diff`). */
  overrides?: Record<string, string>;
  secretOverrides?: string[];
}

/**
 * Runs the real program under Pulumi's runtime mocks with one stack's config, offline: no CLI, no
 * credentials, no network. Returns every declared resource and the stack outputs, every secret
 * value redacted: what `plan`, `evidence` and every other reader of the plan see.
 */
export async function evaluate(opts: EvaluateOptions): Promise<Evaluation> {
  return redactRegistrations(await runUnderMocks(opts));
}

/** The plan's view of what the program registered: secrets, resource references and serialized providers redacted. */
export function redactRegistrations(r: Registrations): Evaluation {
  return {
    stack: r.stack,
    files: r.files,
    model: r.model,
    resources: r.registered.map((res) => ({
      ...res,
      inputs: redact(res.inputs) as Record<string, unknown>,
    })),
    outputs: redact(r.exported) as Record<string, unknown>,
  };
}

/**
 * The evaluation itself: runs the program under the mocks and records every registration as it
 * arrived, secret values included. {@link evaluate} redacts it; tests that compare values between two
 * runs (the blast radius of a keeper bump) read it directly.
 */
export async function runUnderMocks(opts: EvaluateOptions): Promise<Registrations> {
  const files = readStackConfig(opts.projectDir, opts.stack);
  Object.assign(files.values, opts.overrides ?? {});
  files.secretKeys.push(...(opts.secretOverrides ?? []));
  // The model is rebuilt here from the same config so the plan can show consumers and keepers; the
  // program validates it again itself, exactly as under `pulumi up`.
  const model = buildModel(CATALOG, opts.stack, files.raw);
  const { registered, exported } = await registerUnderMocks({
    project: PROJECT,
    stack: opts.stack,
    values: files.values,
    secretKeys: files.secretKeys,
    gen: opts.values ?? defaultValueGenerator,
    program:
      opts.program ??
      (() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the program is loaded by path, as the CLI does
        return require(path.join(opts.projectDir, "index.ts")) as Record<string, unknown>;
      }),
  });
  return { stack: opts.stack, files, model, registered, exported };
}

/** One program to run under the plan's mocks, with its config as the Pulumi CLI would pass it. */
export interface MockedRun {
  project: string;
  stack: string;
  values: Record<string, string>;
  secretKeys: string[];
  /** Values for computed secret outputs. */
  gen: ValueGenerator;
  program: () => Record<string, unknown> | Promise<Record<string, unknown>>;
}

/**
 * Runs a program under the plan's mocks ({@link planMocks}): every resource it registered, in the
 * order it declared them, with its parent, options and inputs (secret values in the SDK's wire
 * form), and its exports resolved. The offline plan and the gate's recorder both run programs here.
 */
export async function registerUnderMocks(
  run: MockedRun,
): Promise<{ registered: PlannedResource[]; exported: Record<string, unknown> }> {
  const { pulumi, settings } = sdk();
  const Monitor = recordingMonitor();
  const mocks = planMocks(run.values["gcp:project"] ?? "unset-project", run.gen);
  const monitor: RecordingMonitor = new Monitor({
    newResource: (a) => {
      monitor.seen.push(a);
      return mocks.newResource(a);
    },
    call: (a) => mocks.call(a),
  });
  pulumi.runtime.setAllConfig(run.values, run.secretKeys);
  pulumi.runtime.setMockOptions(monitor, run.project, run.stack, false);

  // The SDK formats a stack trace for every promise it creates (runtime/debuggable.ts) and a whole one
  // for every resource (its source position, which the mocks drop): at 1,000 secrets that was a
  // tenth of the plan, and with a formatter that maps source maps (ts-node's, Jest's) far more.
  // Error messages are all the plan shows, so while the program runs a stack is the error's own line,
  // and no frame is captured at all (the formatter would drop it).
  const { stackTraceLimit, prepareStackTrace } = Error;
  Error.stackTraceLimit = 0;
  Error.prepareStackTrace = (err: Error) => Error.prototype.toString.call(err);
  let failure: unknown;
  // The program's exports as it returned them: the stack resource's own outputs come back resolved
  // with their secrecy dropped, so a secret export would print in clear. These keep their Outputs.
  let exports: Record<string, unknown> | undefined;
  // The order the program declares its resources in (a component, then what it declares inside),
  // which the plan lists them in. Registrations reach the monitor as their inputs resolve, an order
  // that moves with the SDK's scheduling; a stack transformation sees each resource as it is built.
  const declared = new Map<string, number>();
  try {
    await pulumi.runtime
      .runInPulumiStack(async () => {
        try {
          pulumi.runtime.registerStackTransformation((a) => {
            declared.set(`${a.type}::${a.name}`, declared.size);
            return undefined;
          });
          exports = await run.program();
          return exports;
        } catch (err) {
          failure = err;
          return undefined;
        }
      })
      .catch((err) => {
        failure ??= err;
        return undefined;
      });
    // Registrations are RPCs to the mock monitor: let every one land before reading what was declared.
    await settings.waitForRPCs();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    Error.prepareStackTrace = prepareStackTrace;
  }
  if (mocks.unmocked.size) {
    throw new Error(
      `The offline plan has no stand-in for the data source ${[...mocks.unmocked].join(", ")}, which the program reads, so it cannot show what the stack declares. Fix: add one to planMocks in cli/plan/mocks.ts.`,
    );
  }
  if (failure) throw failure;
  const exported = (await resolveAll(exports ?? {})) as Record<string, unknown>;

  const registered: PlannedResource[] = monitor.seen
    .filter((a) => a.type !== "pulumi:pulumi:Stack")
    .map((a) => {
      const parentUrn = monitor.parents.get(`${a.type}::${a.name}`);
      const parentName = parentUrn ? (monitor.urnNames.get(parentUrn) ?? null) : null;
      const o = monitor.options.get(`${a.type}::${a.name}`);
      const options: PlannedResource["options"] = {};
      if (o?.protect) options.protect = true;
      if (o?.ignoreChanges.length) options.ignoreChanges = o.ignoreChanges;
      if (o?.dependencies.length)
        options.dependencies = o.dependencies.map((u) => monitor.urnNames.get(u) ?? u);
      return {
        type: a.type,
        name: a.name,
        parent: parentName && parentName !== `${run.project}-${run.stack}` ? parentName : null,
        custom: a.custom !== false,
        inputs: a.inputs,
        options,
      };
    });
  const at = (r: PlannedResource) => declared.get(`${r.type}::${r.name}`) ?? declared.size;
  registered.sort((a, b) => at(a) - at(b));
  return { registered, exported };
}

/** Resolves Outputs inside stack exports; secret outputs come back as the secret sig so `redact` hides them. */
async function resolveAll(v: unknown): Promise<unknown> {
  const { pulumi, rpc } = sdk();
  const { specialSigKey, specialSecretSig } = rpc;
  if (pulumi.Output.isInstance(v)) {
    // `isSecret` and `promise()` are the Output's internal accessors (not in its public typings).
    const o = v as unknown as { isSecret: Promise<boolean>; promise(): Promise<unknown> };
    const secret = await o.isSecret;
    const inner = await resolveAll(await o.promise());
    return secret ? { [specialSigKey]: specialSecretSig, value: inner } : inner;
  }
  if (v instanceof Promise) return resolveAll(await v);
  if (Array.isArray(v)) return Promise.all(v.map(resolveAll));
  if (v && typeof v === "object" && !(v instanceof pulumi.Resource)) {
    const entries = await Promise.all(
      Object.entries(v).map(async ([k, x]) => [k, await resolveAll(x)] as const),
    );
    return Object.fromEntries(entries);
  }
  return v;
}
