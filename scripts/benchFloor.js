// The SDK's floor for `npm run bench`: `node scripts/benchFloor.js <plan.json>` registers the
// resources of a plan (the JSON `pegasus-secrets plan --json` prints: types, names, parents, inputs,
// dependencies) flat, with the SDK's own resource classes, under the same runtime mocks the plan
// uses. No catalog, model, components, config files or TypeScript: what any program that declares
// these resources pays at least. Plain JavaScript, run by plain `node`, one fresh process per run.
//
// What it keeps of each resource: its class (a gcp or random resource class by its type token; a
// dynamic resource as the `CustomResource` that `dynamic.Resource` registers, its `__provider` a text
// of the size the plan printed, with no provider serialized, as the project's own do; a component as
// a `ComponentResource` that registers its outputs), its parent, its inputs (a redacted secret as a
// secret Output), and its dependencies as `dependsOn`.
"use strict";
const fs = require("fs");
const pulumi = require("@pulumi/pulumi");
// `waitForRPCs` drains the SDK's registrations; the plan waits for it too.
const settings = require("@pulumi/pulumi/runtime/settings");

const plan = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));

/** A resource class by type token: `gcp:secretmanager/secret:Secret` -> `@pulumi/gcp/secretmanager`.Secret. */
function classOf(type) {
  const [pkg, mod, name] = type.split(":");
  if (pkg === "gcp") return require(`@pulumi/gcp/${mod.split("/")[0]}`)[name];
  if (pkg === "random") return require("@pulumi/random")[name];
  return undefined;
}

/** A `__provider` text the size of the one the plan printed (`[serialized provider, N bytes]`). */
const providerText = (printed) => {
  const m = /^\[serialized provider, (\d+) bytes\]$/.exec(String(printed));
  if (!m) throw new Error(`a dynamic resource without a printed __provider: ${printed}`);
  return "x".repeat(Number(m[1]));
};

/** Inputs as registered: a redacted secret becomes a secret again; everything else as printed. */
const REDACTED = "[secret]";
function inputsOf(v) {
  if (v === REDACTED) return pulumi.secret("floor-value");
  if (Array.isArray(v)) return v.map(inputsOf);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== "__provider")
        .map(([k, x]) => [k, inputsOf(x)]),
    );
  return v;
}

/** Mocks that return what the plan's do: the inputs as state, an ID from the name. */
const mocks = {
  newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }),
  call: (a) => a.inputs,
};

async function main() {
  // The SDK records a stack trace for every promise and every resource; the plan's engine keeps them
  // to the error's own line while the program runs (cli/plan/engine.ts), and so does the floor, so
  // the ratio measures the program, not that setting.
  Error.stackTraceLimit = 0;
  Error.prepareStackTrace = (err) => Error.prototype.toString.call(err);
  await pulumi.runtime.setMocks(mocks, plan.project, plan.stack, false);
  await pulumi.runtime.runInPulumiStack(async () => {
    const components = new Map();
    const byName = new Map();
    for (const r of plan.resources) {
      const opts = {};
      if (r.parent) opts.parent = components.get(r.parent);
      const deps = (r.options && r.options.dependencies) || [];
      if (deps.length) opts.dependsOn = deps.map((d) => byName.get(d)).filter(Boolean);
      if (r.options && r.options.protect) opts.protect = true;
      if (r.options && r.options.ignoreChanges) opts.ignoreChanges = r.options.ignoreChanges;
      const inputs = inputsOf(r.inputs);
      let res;
      const Class = classOf(r.type);
      if (r.type.startsWith("pulumi-nodejs:dynamic")) {
        res = new pulumi.CustomResource(
          r.type,
          r.name,
          { ...inputs, __provider: providerText(r.inputs.__provider) },
          opts,
        );
      } else if (Class) {
        res = new Class(r.name, inputs, opts);
      } else {
        res = new pulumi.ComponentResource(r.type, r.name, {}, opts);
        res.registerOutputs({});
        components.set(r.name, res);
      }
      byName.set(r.name, res);
    }
    return {};
  });
  await settings.waitForRPCs();
  process.stdout.write(`${JSON.stringify({ resources: plan.resources.length })}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
});
