/**
 * A dynamic provider as the engine stores it (DESIGN.md D6): its code bundled once from the
 * TypeScript sources and carried in `__provider` as text that the dynamic-provider host loads.
 *
 * The SDK serializes a provider by walking every function it reaches, one by one, through V8's
 * inspector and TypeScript's parser: for the delivery engine with one platform adapter that was
 * about 55 KB and 0.4 s per provider in every plan and every `pulumi up`, and turning on V8's
 * debugger for the rest of the process. Here esbuild bundles the provider's module (say
 * `components/platforms/renderAdapter.ts`) with everything it imports into one CommonJS text, and
 * `__provider` is that text behind the few lines the host's contract asks for: a module whose
 * `handler()` returns the provider. No closure is serialized at all ({@link PackagedResource}).
 *
 * What stays as before: `__provider` is self-contained (a refresh or destroy years later needs no
 * file of this repository, only Node.js), it never holds a value or a credential (the text is
 * source code, and the adapters read credentials when a method runs), and the offline plan's
 * tracer still reads the whole of it. A provider may import Node.js built-ins only: a package
 * import would make the stored provider depend on what is installed where it later runs, so the
 * build fails and names it.
 *
 * A bundle is kept in the user's cache with the content of every file it was built from
 * (`~/.cache/pegasus-secrets/providers`, or beside `PEGASUS_TRANSPILE_CACHE`); it is reused only
 * while each of those files is unchanged, so a plan after no edit does not start esbuild at all.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import { isBuiltin } from "module";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as vm from "vm";
import { writeFileAtomic } from "../../lib/atomicWrite";

/** The project's root: bundles name their files relative to it, so every clone stores one text. */
const ROOT = path.resolve(__dirname, "..", "..");

/** Where bundles are kept between runs. */
export function bundleCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PEGASUS_TRANSPILE_CACHE) {
    return path.join(path.dirname(env.PEGASUS_TRANSPILE_CACHE), "providers");
  }
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "pegasus-secrets", "providers");
}

/** One bundled provider module: its code, and the files it was built from. */
export interface ProviderBundle {
  /** CommonJS text of the module and everything it imports (Node.js built-ins stay `require`s). */
  code: string;
  /** The files it was built from, relative to the root, with the SHA-256 of each one's content. */
  inputs: Record<string, string>;
}

const sha256 = (text: string | Buffer): string => createHash("sha256").update(text).digest("hex");

function esbuildVersion(): string {
  const pkg = require.resolve("esbuild/package.json", { paths: [ROOT] });
  return (JSON.parse(fs.readFileSync(pkg, "utf8")) as { version: string }).version;
}

/** esbuild's options for one provider module; everything here decides the text it produces. */
const buildOptions = (entry: string, root: string) => ({
  entryPoints: [entry],
  absWorkingDir: root,
  bundle: true,
  write: false as const,
  platform: "node" as const,
  format: "cjs" as const,
  target: "node20",
  packages: "external" as const,
  legalComments: "none" as const,
  charset: "utf8" as const,
  metafile: true as const,
  logLevel: "silent" as const,
});

/** Runs esbuild; its errors become one message that names each file and line. */
function esbuildOnce(entry: string, root: string) {
  // Loaded only when a bundle has to be built: a cached one needs no esbuild.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: a cache hit never loads esbuild
  const esbuild = require("esbuild") as typeof import("esbuild");
  try {
    return esbuild.buildSync(buildOptions(entry, root));
  } catch (err) {
    const errors = (
      err as { errors?: { text: string; location?: { file: string; line: number } }[] }
    ).errors;
    const detail = errors?.length
      ? errors
          .map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text))
          .join("; ")
      : String(err);
    throw new Error(`Could not bundle the dynamic provider ${entry}: ${detail}`);
  }
}

/** Bundles `entry` (relative to `root`) with esbuild; fails when it would load a package. */
export function buildProviderBundle(entry: string, root: string = ROOT): ProviderBundle {
  const result = esbuildOnce(entry, root);
  const packages: string[] = [];
  for (const [file, input] of Object.entries(result.metafile.inputs)) {
    for (const imp of input.imports) {
      if (imp.external && !isBuiltin(imp.path))
        packages.push(`"${imp.path}" (imported by ${file})`);
    }
  }
  if (packages.length) {
    throw new Error(
      `The dynamic provider ${entry} imports ${packages.join(", ")}. A provider is stored in the stack's state and must carry all of its code: import only Node.js built-ins from it, and keep Pulumi and other packages in the component that declares it.`,
    );
  }
  const inputs = Object.fromEntries(
    Object.keys(result.metafile.inputs)
      .sort()
      .map((f) => [f, sha256(fs.readFileSync(path.join(root, f)))]),
  );
  return { code: result.outputFiles[0].text, inputs };
}

/** True when every file the bundle was built from still has the content it had. */
function stillCurrent(bundle: ProviderBundle, root: string): boolean {
  return Object.entries(bundle.inputs).every(([f, hash]) => {
    try {
      return sha256(fs.readFileSync(path.join(root, f))) === hash;
    } catch {
      return false;
    }
  });
}

/**
 * The bundle of `entry`, from the cache while none of its files changed, else built and cached.
 * A cache that cannot be read or written only costs the build.
 */
export function providerBundle(
  entry: string,
  opts: { root?: string; cacheDir?: string } = {},
): ProviderBundle {
  const root = opts.root ?? ROOT;
  const cacheDir = opts.cacheDir ?? bundleCacheDir();
  const key = sha256(
    JSON.stringify({ bundle: 1, esbuild: esbuildVersion(), options: buildOptions(entry, "") }),
  );
  // The root is not part of the name: an entry holds the content of every file it was built from
  // (named relative to the root), so it serves any copy of the project whose files are the same.
  const file = path.join(cacheDir, `${key.slice(0, 40)}.json`);
  try {
    const cached = JSON.parse(fs.readFileSync(file, "utf8")) as ProviderBundle;
    if (typeof cached.code === "string" && cached.inputs && stillCurrent(cached, root)) {
      return cached;
    }
  } catch {
    // Not cached (or unreadable): build it.
  }
  const bundle = buildProviderBundle(entry, root);
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    writeFileAtomic(file, JSON.stringify(bundle));
  } catch {
    // The cache is an optimisation only.
  }
  return bundle;
}

/** The methods a dynamic provider may have; the host calls no other. */
const PROVIDER_METHODS = ["check", "diff", "create", "read", "update", "delete"] as const;

/** A provider module packaged as the `__provider` text the dynamic-provider host loads. */
export interface PackagedProvider {
  /** The module it was bundled from, relative to the project root. */
  entry: string;
  /** The export that holds the provider. */
  exportName: string;
  /** CommonJS text whose `handler()` returns the provider (see {@link providerText}). */
  text: string;
}

/**
 * The `__provider` text of a bundle: the contract of `@pulumi/pulumi/cmd/dynamic-provider`, which
 * loads the text as a CommonJS module and calls its `handler()` for the provider. The bundle rides
 * as one string literal and is compiled under the name `pegasus-secrets:<entry>`, so a stack trace
 * from `pulumi up` names the module it came from.
 */
function providerText(entry: string, exportName: string, bundle: string): string {
  return [
    `"use strict";`,
    `// pegasus-secrets: the dynamic provider \`${exportName}\` of ${entry}, bundled with esbuild.`,
    `const bundle = ${JSON.stringify(bundle)};`,
    `exports.handler = function handler() {`,
    `  const wrapper = require("vm").runInThisContext(`,
    `    "(function (exports, require, module) {" + bundle + "\\n})",`,
    `    { filename: ${JSON.stringify(`pegasus-secrets:${entry}`)} },`,
    `  );`,
    `  const module = { exports: {} };`,
    `  wrapper(module.exports, require, module);`,
    `  return module.exports[${JSON.stringify(exportName)}];`,
    `};`,
    ``,
  ].join("\n");
}

/** Loads a `__provider` text the way the dynamic-provider host does, and returns its provider. */
function loadProviderText(text: string): Record<string, unknown> {
  const module = { exports: {} as { handler?: () => Record<string, unknown> } };
  const wrapper = vm.runInThisContext(`(function (exports, require, module) {${text}\n})`) as (
    exports: object,
    req: NodeJS.Require,
    module: object,
  ) => void;
  wrapper(module.exports, require, module);
  return module.exports.handler!();
}

/** Packaged providers of this process, by entry, export and bundle text. */
const packagedByText = new Map<string, PackagedProvider>();

/**
 * The provider exported as `exportName` by the module at `entry` (relative to the project root),
 * packaged as `__provider` text. The text is loaded here once, as the host will load it, so a
 * module that does not export such a provider fails the program, not a later `pulumi up`.
 */
export function packagedProvider(
  entry: string,
  exportName: string,
  opts: { root?: string; cacheDir?: string } = {},
): PackagedProvider {
  const bundle = providerBundle(entry, opts).code;
  const key = JSON.stringify([entry, exportName, bundle]);
  let packaged = packagedByText.get(key);
  if (!packaged) {
    packaged = { entry, exportName, text: providerText(entry, exportName, bundle) };
    checkLoads(packaged);
    packagedByText.set(key, packaged);
  }
  return packaged;
}

/** Refuses a text that does not load, or whose export is not a provider with known methods only. */
function checkLoads({ entry, exportName, text }: PackagedProvider): void {
  let provider: Record<string, unknown> | undefined;
  try {
    provider = loadProviderText(text);
  } catch (err) {
    throw new Error(`The dynamic provider ${entry} fails to load: ${(err as Error).message}`);
  }
  const methods =
    provider && typeof provider === "object"
      ? Object.keys(provider).filter((k) => typeof provider[k] === "function")
      : [];
  if (methods.length === 0) {
    throw new Error(`${entry} does not export a dynamic provider named \`${exportName}\`.`);
  }
  const unknown = methods.filter((m) => !(PROVIDER_METHODS as readonly string[]).includes(m));
  if (unknown.length) {
    throw new Error(
      `${entry}: \`${exportName}\` has ${unknown.join(", ")}, which a dynamic provider does not have (${PROVIDER_METHODS.join(", ")}).`,
    );
  }
}

/**
 * A dynamic resource whose provider is packaged. It registers exactly what `pulumi.dynamic.Resource`
 * registers (the type `pulumi-nodejs:dynamic/<module>:<type>`, the provider's text in
 * `__provider`), so the engine hands it to the same dynamic-provider host. It only skips the SDK's
 * closure serializer: that would walk a text that is already self-contained, through V8's
 * inspector and TypeScript's parser, at a fixed cost of about 0.4 s per process.
 */
export class PackagedResource extends pulumi.CustomResource {
  constructor(
    provider: PackagedProvider,
    name: string,
    props: pulumi.Inputs,
    opts: pulumi.CustomResourceOptions | undefined,
    module: string,
    type: string,
  ) {
    if ("__provider" in props) {
      throw new Error(`${type} ${name}: a dynamic resource must not define the __provider input.`);
    }
    super(
      `pulumi-nodejs:dynamic/${module}:${type}`,
      name,
      { ...props, __provider: provider.text },
      opts,
    );
  }
}
