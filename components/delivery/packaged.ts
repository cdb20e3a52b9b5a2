/**
 * A dynamic provider as the engine stores it (DESIGN.md D6): its code bundled once from the
 * TypeScript sources, carried in `__provider` as text, and loaded by a few lines of stub.
 *
 * The SDK serializes a provider by walking every function it reaches, one by one, through V8's
 * inspector and TypeScript's parser: for the delivery engine with one platform adapter that was
 * about 55 KB and 0.4 s per provider in every plan and every `pulumi up`. Here esbuild bundles the
 * provider's module (say `components/platforms/renderAdapter.ts`) with everything it imports into
 * one CommonJS text, and the SDK only serializes the stub: one function per provider method that
 * compiles that text in the dynamic-provider host and calls the same method of the module's export.
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
import type { dynamic } from "@pulumi/pulumi";
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

/** What the SDK serializes: the bundle as text, how to load it, and one stub per provider method. */
interface Packaged {
  /** CommonJS text of the provider's module (`ProviderBundle.code`). */
  bundle: string;
  /** The export that holds the provider. */
  exportName: string;
  /** The name stack traces give the bundle: `pegasus-secrets:<entry>`. */
  filename: string;
  load(): Record<string, (...args: unknown[]) => unknown>;
}

/**
 * Evaluates the bundle and returns its provider. A method of the packaged object, so it captures no
 * variable at all: the SDK serializes it by its text alone, without walking any closure.
 */
function load(this: Packaged): Record<string, (...args: unknown[]) => unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- `require` is the host's own; a captured module would be walked by the SDK
  const vm = require("vm") as typeof import("vm");
  const wrapper = vm.runInThisContext(`(function (exports, require, module) {${this.bundle}\n})`, {
    filename: this.filename,
  }) as (exports: object, req: NodeJS.Require, module: { exports: object }) => void;
  const module = { exports: {} as Record<string, unknown> };
  wrapper(module.exports, require, module);
  return module.exports[this.exportName] as Record<string, (...args: unknown[]) => unknown>;
}

/**
 * The stubs, one per method a dynamic provider may have. Each loads the bundle and calls the same
 * method of its provider; like `load`, none captures a variable. The host calls them as methods of
 * the provider object (`provider.create(...)`), which gives them `this`.
 */
const STUBS: Record<string, (this: Packaged, ...args: unknown[]) => unknown> = {
  check(this: Packaged, ...args: unknown[]) {
    return this.load().check(...args);
  },
  diff(this: Packaged, ...args: unknown[]) {
    return this.load().diff(...args);
  },
  create(this: Packaged, ...args: unknown[]) {
    return this.load().create(...args);
  },
  read(this: Packaged, ...args: unknown[]) {
    return this.load().read(...args);
  },
  update(this: Packaged, ...args: unknown[]) {
    return this.load().update(...args);
  },
  delete(this: Packaged, ...args: unknown[]) {
    return this.load().delete(...args);
  },
};

/** Packaged providers of this process, by entry, export and bundle text. */
const packagedByText = new Map<string, dynamic.ResourceProvider>();

/**
 * The provider exported as `exportName` by the module at `entry` (relative to the project root),
 * packaged: the object the SDK serializes holds the bundle's text and one stub per method the
 * provider has. The bundle is loaded here once, so a module that does not export such a provider
 * fails the program, not a later `pulumi up`. The same bundle gives the same object, which the SDK
 * serializes once per process.
 */
export function packagedProvider(
  entry: string,
  exportName: string,
  opts: { root?: string; cacheDir?: string } = {},
): dynamic.ResourceProvider {
  const bundle = providerBundle(entry, opts).code;
  const key = JSON.stringify([entry, exportName, bundle]);
  let provider = packagedByText.get(key);
  if (!provider) {
    provider = packageBundle(entry, exportName, bundle);
    packagedByText.set(key, provider);
  }
  return provider;
}

/** The packaged object for one bundle text; refuses a module without such a provider. */
function packageBundle(
  entry: string,
  exportName: string,
  bundle: string,
): dynamic.ResourceProvider {
  const packaged: Packaged = {
    bundle,
    exportName,
    filename: `pegasus-secrets:${entry}`,
    load,
  };
  let provider: Record<string, unknown> | undefined;
  try {
    provider = packaged.load();
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
  const unknown = methods.filter((m) => !(m in STUBS));
  if (unknown.length) {
    throw new Error(
      `${entry}: \`${exportName}\` has ${unknown.join(", ")}, which a dynamic provider does not have (${Object.keys(STUBS).join(", ")}).`,
    );
  }
  return Object.assign(
    packaged,
    Object.fromEntries(methods.map((m) => [m, STUBS[m]])),
  ) as unknown as dynamic.ResourceProvider;
}
