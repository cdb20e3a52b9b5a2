/**
 * Packaged providers: a provider module bundled with esbuild, carried as text in `__provider`
 * in the dynamic-provider host's contract, and loaded the way that host loads it. Each
 * case builds its own module in a throwaway root; the platform adapters themselves are bundled at
 * the end (and driven through the real host in provider.host.spec.ts).
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import {
  buildProviderBundle,
  bundleCacheDir,
  PackagedResource,
  packagedProvider,
  providerBundle,
} from "../../../components/delivery/packaged";
import { loadAsHost, PROJECT_DIR, settle } from "../../helpers";
import { useMocks } from "../../mocks";

let root: string;
let cacheDir: string;
const marker = () => `m${randomBytes(6).toString("hex")}`;
const write = (rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
};
/** A provider module whose create answers `answer`, through a helper in another file. */
const writeProvider = (answer: string) => {
  write("helper.ts", `export const answer = (): string => ${JSON.stringify(answer)};\n`);
  write(
    "provider.ts",
    [
      `import { createHash } from "crypto";`,
      `import { answer } from "./helper";`,
      `export const provider = {`,
      `  async check(_o: unknown, news: Record<string, unknown>) { return { inputs: news, failures: [] }; },`,
      `  async create(inputs: { name: string }) {`,
      `    return { id: createHash("sha256").update(inputs.name).digest("hex").slice(0, 8), outs: { answer: answer() } };`,
      `  },`,
      `};`,
      `export const notAProvider = 3;`,
      "",
    ].join("\n"),
  );
};

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "pegasus-packaged-"));
  cacheDir = path.join(root, ".cache");
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe("packagedProvider", () => {
  it("carries the bundle in the host's contract, and answers in the host as the module does", async () => {
    const answer = marker();
    writeProvider(answer);
    const { text } = packagedProvider("provider.ts", "provider", { root, cacheDir });
    const { code } = providerBundle("provider.ts", { root, cacheDir });
    // The bundle rides as one string, behind a few lines of loader.
    expect(text).toContain(JSON.stringify(code));
    expect(text.length - JSON.stringify(code).length).toBeLessThan(1000);
    expect(text).not.toContain(root);

    // `@pulumi/pulumi/cmd/dynamic-provider` loads `__provider` exactly like this.
    const loaded = loadAsHost(text);
    // The provider's own methods, and no other (a host treats a missing `read` or `diff` as absent).
    const methods = Object.keys(loaded).filter(
      (k) => typeof (loaded as unknown as Record<string, unknown>)[k] === "function",
    );
    expect(methods.sort()).toEqual(["check", "create"]);
    const created = await loaded.create({ name: "render-api" });
    expect(created.outs).toEqual({ answer });
    expect(created.id).toMatch(/^[0-9a-f]{8}$/);
    expect((await loaded.check!({}, { a: 1 })).inputs).toEqual({ a: 1 });
  });

  it("names the module in the stack trace of a provider's error", async () => {
    write(
      "provider.ts",
      `export const provider = {\n  async create(): Promise<never> {\n    throw new Error("refused");\n  },\n};\n`,
    );
    const { text } = packagedProvider("provider.ts", "provider", { root, cacheDir });
    const err = (await loadAsHost(text)
      .create({})
      .catch((e: Error) => e)) as Error;
    expect(err.message).toBe("refused");
    expect(err.stack).toContain("pegasus-secrets:provider.ts:");
  });

  it("gives the same package for the same bundle, and a new one after an edit", () => {
    writeProvider(marker());
    const first = packagedProvider("provider.ts", "provider", { root, cacheDir });
    expect(packagedProvider("provider.ts", "provider", { root, cacheDir })).toBe(first);
    writeProvider(marker());
    expect(packagedProvider("provider.ts", "provider", { root, cacheDir })).not.toBe(first);
  });

  it("refuses a provider with a method a dynamic provider does not have", () => {
    write(
      "provider.ts",
      `export const provider = { create: async () => ({}), upsert: async () => ({}) };\n`,
    );
    expect(() => packagedProvider("provider.ts", "provider", { root, cacheDir })).toThrow(
      "provider.ts: `provider` has upsert, which a dynamic provider does not have (check, diff, create, read, update, delete).",
    );
  });

  it("fails the program when the module has no such provider", () => {
    writeProvider(marker());
    expect(() => packagedProvider("provider.ts", "notAProvider", { root, cacheDir })).toThrow(
      "provider.ts does not export a dynamic provider named `notAProvider`.",
    );
    expect(() => packagedProvider("provider.ts", "missing", { root, cacheDir })).toThrow(
      "does not export a dynamic provider named `missing`",
    );
  });
});

describe("PackagedResource", () => {
  const seen = useMocks().seen;

  it("registers what the SDK's dynamic.Resource registers, with the packaged text as __provider", async () => {
    writeProvider(marker());
    const packaged = packagedProvider("provider.ts", "provider", { root, cacheDir });
    const props = { name: "render-api", size: 2 };
    new PackagedResource(packaged, "packaged", { ...props }, undefined, "pegasus", "Thing");
    // The SDK's own class, with the provider as the host returns it (it serializes that one itself).
    new (class extends pulumi.dynamic.Resource {})(
      loadAsHost(packaged.text),
      "serialized",
      { ...props },
      undefined,
      "pegasus",
      "Thing",
    );
    await settle();
    const [ours, sdk] = ["packaged", "serialized"].map((n) => seen.find((r) => r.name === n)!);
    expect(ours.type).toBe(sdk.type);
    expect(ours.type).toBe("pulumi-nodejs:dynamic/pegasus:Thing");
    const { __provider: text, ...inputs } = ours.inputs;
    const { __provider: sdkText, ...sdkInputs } = sdk.inputs;
    expect(inputs).toEqual(sdkInputs);
    expect(text).toBe(packaged.text);
    expect(typeof sdkText).toBe("string");
  });

  it("refuses props that define __provider", () => {
    writeProvider(marker());
    const packaged = packagedProvider("provider.ts", "provider", { root, cacheDir });
    expect(
      () =>
        new PackagedResource(packaged, "x", { __provider: "other" }, undefined, "pegasus", "Thing"),
    ).toThrow("Thing x: a dynamic resource must not define the __provider input.");
  });
});

describe("providerBundle", () => {
  it("refuses a provider that imports a package, naming it and the file", () => {
    write(
      "provider.ts",
      `import { z } from "zod";\nexport const provider = { create: async () => z };\n`,
    );
    expect(() => buildProviderBundle("provider.ts", root)).toThrow(
      /imports "zod" \(imported by provider\.ts\)\. A provider is stored in the stack's state/,
    );
  });

  it("names the file and line of a module that does not compile", () => {
    write("provider.ts", `export const provider = {\n  create: async () => ,\n};\n`);
    expect(() => buildProviderBundle("provider.ts", root)).toThrow(
      /Could not bundle the dynamic provider provider\.ts: provider\.ts:2: /,
    );
  });

  it("reuses a cached bundle while its files are unchanged, and rebuilds after an edit", () => {
    const first = marker();
    writeProvider(first);
    const built = providerBundle("provider.ts", { root, cacheDir });
    expect(Object.keys(built.inputs)).toEqual(["helper.ts", "provider.ts"]);
    expect(built.code).toContain(first);

    // What the cache holds is what is served: mark it, and the mark comes back.
    const [entry] = fs.readdirSync(cacheDir).filter((f) => f.endsWith(".json"));
    const file = path.join(cacheDir, entry);
    const stored = JSON.parse(fs.readFileSync(file, "utf8"));
    fs.writeFileSync(file, JSON.stringify({ ...stored, code: `${stored.code}//cached` }));
    expect(providerBundle("provider.ts", { root, cacheDir }).code).toMatch(/\/\/cached$/);
    // Another copy of the same files (a fixture project, a second clone) is served the same entry.
    const copy = path.join(root, "copy");
    fs.mkdirSync(copy);
    for (const f of ["helper.ts", "provider.ts"])
      fs.copyFileSync(path.join(root, f), path.join(copy, f));
    expect(providerBundle("provider.ts", { root: copy, cacheDir }).code).toMatch(/\/\/cached$/);

    // An edit to any file it was built from (here the helper, not the entry) rebuilds it.
    const second = marker();
    write("helper.ts", `export const answer = (): string => ${JSON.stringify(second)};\n`);
    const rebuilt = providerBundle("provider.ts", { root, cacheDir });
    expect(rebuilt.code).toContain(second);
    expect(rebuilt.code).not.toMatch(/\/\/cached$/);

    // A cache entry that cannot be read is rebuilt, not trusted.
    fs.writeFileSync(file, "{not json");
    expect(providerBundle("provider.ts", { root, cacheDir }).code).toContain(second);
  });

  it("builds without a cache it cannot write", () => {
    writeProvider(marker());
    write("blocked", "a file where the cache folder would be");
    const bundle = providerBundle("provider.ts", { root, cacheDir: path.join(root, "blocked") });
    expect(bundle.code).toContain("exports");
  });

  it("keeps bundles in the user's cache, or beside PEGASUS_TRANSPILE_CACHE", () => {
    expect(bundleCacheDir({ XDG_CACHE_HOME: "/x/cache" })).toBe(
      "/x/cache/pegasus-secrets/providers",
    );
    expect(bundleCacheDir({ PEGASUS_TRANSPILE_CACHE: "/t/transpiled" })).toBe("/t/providers");
  });

  it.each([
    ["components/platforms/renderAdapter.ts", "renderProvider"],
    ["components/platforms/flyAdapter.ts", "flyProvider"],
    ["components/platforms/railwayAdapter.ts", "railwayProvider"],
    ["components/rollout/readinessCheck.ts", "readinessProvider"],
  ])(
    "bundles %s with Node.js built-ins only, with paths relative to the project",
    (entry, name) => {
      const bundle = buildProviderBundle(entry, PROJECT_DIR);
      expect(bundle.inputs[entry]).toMatch(/^[0-9a-f]{64}$/);
      expect(bundle.code).toContain(name);
      expect(bundle.code).not.toContain(PROJECT_DIR);
      const required = [...bundle.code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
      expect(required.filter((r) => !(r === "crypto" || r.startsWith("node:")))).toEqual([]);
    },
  );
});
