// Self-tests of the dynamic-provider harness: a dynamic resource is created by a real program
// (so `__provider` is the SDK's own closure serialization), then its provider is driven through
// the SDK's provider host the way the engine drives it.
import { createHash, randomBytes } from "node:crypto";
import * as path from "node:path";
import { DynamicProviderHost, ProviderError, startDynamicProviderHost } from "./dynamicProvider";
import { Registration, StagedDir, UNKNOWN, isSecret, runProgram, secret, stageDir } from "./engine";

const FIXTURE = path.join(__dirname, "fixtures", "dynamic");
const DYNAMIC_TYPE = "pulumi-nodejs:dynamic:Resource";

const rand = (): string => randomBytes(16).toString("hex");
const fingerprint = (v: string): string => createHash("sha256").update(v).digest("hex").slice(0, 8);

describe("dynamic provider host", () => {
  let staged: StagedDir | undefined;
  let host: DynamicProviderHost | undefined;
  let entry: Registration;
  let providerCode: string;
  const value = rand();

  beforeAll(async () => {
    staged = stageDir(FIXTURE);
    const run = await runProgram({
      projectDir: staged.dir,
      stack: "dev",
      config: { value },
      secretKeys: ["value"],
      env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
      timeoutMs: 40_000,
    });
    const reg = run.resources.find((r) => r.type === DYNAMIC_TYPE);
    if (run.exitCode !== 0 || !reg) {
      throw new Error(`fixture program failed (${run.exitCode}):\n${run.stderr}`);
    }
    entry = reg;
    providerCode = String(entry.inputs["__provider"]);
    host = await startDynamicProviderHost({
      cwd: staged.dir,
      project: "harness-dynamic",
      startTimeoutMs: 20_000,
    });
    // Bounds above stay below this, so the harness (which cleans up) gives up before jest does.
  }, 75_000);

  afterAll(async () => {
    await host?.stop();
    staged?.cleanup();
  });

  const news = (key: string, v: unknown): Record<string, unknown> => ({
    __provider: providerCode,
    key,
    value: v,
  });

  test("the program registered a serialized provider and a secret input", () => {
    expect(providerCode).toContain("exports.handler");
    expect(entry.inputs["value"]).toEqual(secret(value));
    expect(entry.urn).toBe(`urn:pulumi:dev::harness-dynamic::${DYNAMIC_TYPE}::entry`);
  });

  test("the host negotiates like the engine sees it: no secrets, no previews", () => {
    expect(host?.protocol).toEqual({
      acceptSecrets: false,
      acceptResources: false,
      supportsPreview: false,
      acceptOutputs: false,
    });
  });

  test("check, create, diff, update, read and delete keep secrets secret", async () => {
    const h = host as DynamicProviderHost;
    const checked = await h.check(entry.urn, {}, news("alpha", secret(value)));
    expect(checked.failures).toEqual([]);
    expect(checked.inputs["value"]).toEqual(secret(value));

    const created = await h.create(entry.urn, checked.inputs);
    expect(created.id).toBe("entry-alpha");
    expect(created.properties).toMatchObject({
      key: "alpha",
      value: secret(value),
      // The provider saw plaintext (the engine strips secrets for it); the fingerprint proves it.
      fingerprint: fingerprint(value),
      revision: 1,
      __provider: providerCode,
    });
    // A derived output under another name is NOT secret: the engine only re-marks same-named keys.
    expect(isSecret(created.properties["fingerprint"])).toBe(false);

    const same = await h.diff(created.id, entry.urn, created.properties, checked.inputs);
    expect(same.changes).toBe("none");

    const newValue = rand();
    const changed = await h.diff(
      created.id,
      entry.urn,
      created.properties,
      news("alpha", secret(newValue)),
    );
    expect(changed).toMatchObject({ changes: "some", replaces: [] });
    const renamed = await h.diff(created.id, entry.urn, created.properties, news("beta", "x"));
    expect(renamed).toMatchObject({ changes: "some", replaces: ["key"] });

    const updated = await h.update(
      created.id,
      entry.urn,
      created.properties,
      news("alpha", secret(newValue)),
    );
    expect(updated.providerCalled).toBe(true);
    expect(updated.properties).toMatchObject({ value: secret(newValue), revision: 2 });

    const read = await h.read(created.id, entry.urn, updated.properties);
    expect(read.id).toBe(created.id);
    expect(read.properties).toMatchObject({ value: secret(newValue), readBack: true });

    await expect(h.delete(created.id, entry.urn, updated.properties)).resolves.toBeUndefined();
  });

  test("check failures and provider errors come back with the provider's message", async () => {
    const h = host as DynamicProviderHost;
    const bad = await h.check(entry.urn, {}, news("Not Valid", "v"));
    expect(bad.failures).toEqual([
      { property: "key", reason: "key must be lower-case letters and dashes" },
    ]);

    await expect(h.create(entry.urn, news("refused", "v"))).rejects.toThrow(
      "create refused for key refused",
    );
    await expect(h.delete("entry-locked", entry.urn, news("locked", "v"))).rejects.toThrow(
      "entry locked is locked",
    );

    const partial = await h.create(entry.urn, news("half-made", "v")).catch((e: unknown) => e);
    expect(partial).toBeInstanceOf(ProviderError);
    expect((partial as ProviderError).initFailure).toEqual({
      id: "entry-half-made",
      properties: { key: "half-made" },
      reasons: ["still starting"],
    });
  });

  test("preview: unknowns pass through check; create is answered by the engine side", async () => {
    const h = host as DynamicProviderHost;
    const checked = await h.check(entry.urn, {}, news("alpha", UNKNOWN), { preview: true });
    expect(checked.inputs["value"]).toBe(UNKNOWN);

    const created = await h.create(entry.urn, checked.inputs, { preview: true });
    expect(created).toEqual({ id: "", properties: checked.inputs, providerCalled: false });

    await expect(h.check(entry.urn, {}, news("alpha", UNKNOWN))).rejects.toThrow(
      "unknown values outside preview",
    );
  });
});
