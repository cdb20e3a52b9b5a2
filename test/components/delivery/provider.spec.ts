/**
 * The delivery engine's lifecycle, run in-process through each platform's adapter against its fake
 * (which checks every request against the platform's published contract): create, no-op, rotation,
 * drift, removal, delete, adoption, a run that stops part-way, previews with unknowns, and a
 * destination deleted outside Pulumi. `provider.host.spec.ts` repeats a lifecycle through the SDK's
 * real dynamic-provider host; what neither proves is how the real Render, Fly.io and Railway behave
 * where their contracts are UNCONFIRMED (docs/platforms.md).
 */
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { eachPlatform } from "../platforms/cases";
import { Held, nonSecretJson, refresh, up, upFailingPartway, value } from "../platforms/kit";

eachPlatform("the delivery lifecycle", ({ c, count }) => {
  it("runs a full lifecycle: create, no-op, rotation, drift, removal, delete of owned keys only", async () => {
    const dest = c.newDest();
    const secrets = { JWT_SECRET: value(), DATABASE_URL: value(), REDIS_URL: value() };
    const vars = { PLC_STORAGE_DIR: "/srv/pegasus/test" };

    // Create: one value write (Render creates the group with its variables in one call), then
    // exactly one activation.
    let r = await up(c.provider, undefined, c.inputs(dest, secrets, vars));
    expect(r.action).toBe("create");
    let held: Held = r.held;
    expect(c.platformValues(dest, held)).toEqual({ ...secrets, ...vars });
    expect(count(c.isValueWrite)).toBe(1);
    expect(c.activations(dest)).toBe(c.activationsPerRun);
    expect(count(c.isWrite)).toBe(1 + c.activationsPerRun);
    expect(nonSecretJson(held.outs)).not.toMatch(new RegExp(Object.values(secrets).join("|")));

    // Nothing changed: the diff says so from the state alone, and no request is made.
    c.fake.clearLog();
    r = await up(c.provider, held, c.inputs(dest, secrets, vars));
    expect(r.action).toBe("same");
    expect(r.changedKeys).toEqual([]);
    expect(c.fake.requests).toHaveLength(0);
    // Even an update the engine did not need writes nothing.
    await c.provider.update!(held.id, held.outs, c.inputs(dest, secrets, vars));
    expect(count(c.isWrite)).toBe(0);

    // Rotation of one key: the diff names it, and exactly that key is written, then one activation.
    c.fake.clearLog();
    const rotated = { ...secrets, JWT_SECRET: value() };
    r = await up(c.provider, held, c.inputs(dest, rotated, vars));
    expect(r).toMatchObject({ action: "update", changedKeys: ["JWT_SECRET"] });
    held = r.held;
    expect(c.platformValues(dest, held)).toEqual({ ...rotated, ...vars });
    expect(count(c.isValueWrite)).toBe(c.valueWritesFor(1));
    expect(c.activations(dest)).toBe(2 * c.activationsPerRun);
    const written = c.fake.requests
      .filter(c.isValueWrite)
      .map((x) => JSON.stringify(x.body ?? x.path));
    expect(written.join(" ")).not.toContain(secrets.DATABASE_URL);

    // Drift: someone changes a key; a refresh sees it where the platform lets us read (Fly: digest),
    // and the next update restores exactly that key.
    c.setOutOfBand(dest, held, "DATABASE_URL", value());
    held = (await refresh(c.provider, held))!;
    c.fake.clearLog();
    r = await up(c.provider, held, c.inputs(dest, rotated, vars));
    expect(r).toMatchObject({ action: "update", changedKeys: ["DATABASE_URL"] });
    held = r.held;
    expect(c.platformValues(dest, held).DATABASE_URL).toBe(rotated.DATABASE_URL);
    expect(count(c.isValueWrite)).toBe(c.valueWritesFor(1));

    // Someone else's key stays through updates; a key the stack stops delivering is removed.
    const foreign = value();
    c.setOutOfBand(dest, held, "SOMEONE_ELSES", foreign);
    const fewer = { JWT_SECRET: rotated.JWT_SECRET, DATABASE_URL: rotated.DATABASE_URL };
    r = await up(c.provider, held, c.inputs(dest, fewer, vars));
    expect(r).toMatchObject({ action: "update", changedKeys: ["REDIS_URL"] });
    held = r.held;
    expect(c.platformValues(dest, held)).toEqual({ ...fewer, ...vars, SOMEONE_ELSES: foreign });

    // Delete: only the owned keys go; the foreign one stays (and so does a Render group holding it).
    c.fake.clearLog();
    await c.provider.delete!(held.id, held.outs);
    expect(c.platformValues(dest, held)).toEqual({ SOMEONE_ELSES: foreign });
    expect(c.activations(dest)).toBe(4 * c.activationsPerRun);
  });

  it("refuses to take over keys someone else set, unless adoption is configured", async () => {
    const dest = c.newDest();
    const theirs = value();
    c.setOutOfBand(dest, undefined, "JWT_SECRET", theirs);
    c.setOutOfBand(dest, undefined, "UNRELATED", theirs);
    c.fake.clearLog();
    const secrets = { JWT_SECRET: value() };
    await expect(up(c.provider, undefined, c.inputs(dest, secrets, {}))).rejects.toThrow(
      /adopt: true/,
    );
    expect(count(c.isWrite)).toBe(0);

    const r = await up(c.provider, undefined, c.inputs(dest, secrets, {}, { adopt: true }));
    expect(c.platformValues(dest, r.held)).toEqual({
      JWT_SECRET: secrets.JWT_SECRET,
      UNRELATED: theirs,
    });
    await c.provider.delete!(r.held.id, r.held.outs);
    expect(c.platformValues(dest, r.held)).toEqual({ UNRELATED: theirs });
  });

  it("converges after a failure midway through a reconcile, with nothing lost or written twice", async () => {
    const dest = c.newDest();
    const secrets = { JWT_SECRET: value(), DATABASE_URL: value() };
    let held = (await up(c.provider, undefined, c.inputs(dest, secrets, {}))).held;
    const activationsBefore = c.activations(dest);
    c.fake.clearLog();

    // Rotate both keys; the platform fails part-way: Render on the second key's PUT (the first is
    // written), Fly on the second machine's update (the bulk write and the first machine are done),
    // Railway on the redeploy after its single bulk write.
    const rotated = { JWT_SECRET: value(), DATABASE_URL: value() };
    if (c.platform === "render") {
      c.fake.failNext({ status: 400, match: { method: "PUT", path: /\/env-vars\/DATABASE_URL$/ } });
    } else if (c.platform === "fly") {
      c.fake.failNext({ status: 400, match: { ...c.activation, path: /\/machines\/m2/ } });
    } else {
      c.fake.failNext({ status: 400, match: c.activation });
    }
    const failed = await upFailingPartway(c.provider, held, c.inputs(dest, rotated, {}));
    expect(failed.message).toMatch(/run `pulumi up` again to finish it/);
    for (const v of [...Object.values(secrets), ...Object.values(rotated)]) {
      expect(failed.message).not.toContain(v);
      expect(nonSecretJson(failed.held.outs)).not.toContain(v);
    }
    held = failed.held;

    // The next run finishes the job: the diff still sees work, and only what is missing is sent.
    const r = await up(c.provider, held, c.inputs(dest, rotated, {}));
    expect(r.action).toBe("update");
    expect(c.platformValues(dest, r.held)).toEqual(rotated);
    const valueWrites = c.fake.requests.filter(c.isValueWrite).filter((x) => !x.fault);
    // Render: one PUT per key in total; Fly and Railway: their one bulk write, never repeated.
    expect(valueWrites.map((x) => x.path).sort()).toEqual(
      c.platform === "render"
        ? [
            `/env-groups/${held.id}/env-vars/DATABASE_URL`,
            `/env-groups/${held.id}/env-vars/JWT_SECRET`,
          ]
        : [valueWrites[0].path],
    );
    // Each service/machine activated exactly once for this change.
    expect(c.activations(dest) - activationsBefore).toBe(c.activationsPerRun);

    // And then it is settled.
    const again = await up(c.provider, r.held, c.inputs(dest, rotated, {}));
    expect(again.action).toBe("same");
  });

  it("never answers 'no change' while a value is unknown (preview), and never hashes the sentinel", async () => {
    const dest = c.newDest();
    const secrets = { JWT_SECRET: value() };
    const { held } = await up(c.provider, undefined, c.inputs(dest, secrets, {}));
    const d = (await c.provider.diff!(
      held.id,
      held.outs,
      c.inputs(dest, { JWT_SECRET: unknownValue }, {}),
    )) as { changes: boolean; changedKeys: string[] };
    expect(d.changes).toBe(true);
    expect(d.changedKeys).toEqual(["JWT_SECRET"]);
  });

  it("previews a whole map that is not known yet as an update: check lets it through, diff reports a change, nothing is sent", async () => {
    const dest = c.newDest();
    const secrets = { JWT_SECRET: value() };
    const vars = { PLC_STORAGE_DIR: "/srv/pegasus/test" };
    const { held } = await up(c.provider, undefined, c.inputs(dest, secrets, vars));
    c.fake.clearLog();
    const unknownMap = unknownValue as unknown as Record<string, string>;
    const previews = [
      c.inputs(dest, unknownMap, vars),
      c.inputs(dest, secrets, unknownMap),
      c.inputs(dest, unknownMap, unknownMap),
    ];
    for (const news of previews) {
      // A first preview (nothing in state yet) and a preview of an update.
      for (const olds of [{}, held.outs]) {
        const checked = await c.provider.check!(olds, news);
        expect(checked.failures ?? []).toEqual([]);
        expect(checked.inputs).toEqual(news);
      }
      const d = await c.provider.diff!(held.id, held.outs, news);
      expect(d.changes).toBe(true);
      expect(d.replaces).toEqual([]);
    }
    expect(c.fake.requests).toEqual([]);
  });

  it("never moves to a new destination in an update: one deleted outside Pulumi fails the update until a refresh drops it", async () => {
    const dest = c.newDest();
    const { held } = await up(c.provider, undefined, c.inputs(dest, { JWT_SECRET: value() }, {}));
    c.removeDest(dest, held);
    c.fake.clearLog();

    // The next `up` carries a change, without a refresh: it stops, says what to run, writes nothing.
    const rotated = { JWT_SECRET: value() };
    const err = (await up(c.provider, held, c.inputs(dest, rotated, {})).catch(
      (e) => e,
    )) as Error & {
      initFailure?: unknown;
    };
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/no longer exists/);
    expect(err.message).toContain("Run `pulumi refresh`");
    expect(err.message).not.toContain(rotated.JWT_SECRET);
    expect(err.initFailure).toBeUndefined();
    expect(count(c.isWrite)).toBe(0);
    expect(c.platformValues(dest, held)).toEqual({});

    // A refresh drops it from the state; a destroy of what was held changes nothing and does not fail.
    expect(await refresh(c.provider, held)).toBeUndefined();
    await c.provider.delete!(held.id, held.outs);
    expect(count((r) => c.isWrite(r) && r.status !== undefined && r.status < 300)).toBe(0);

    // Then `pulumi up` creates it again (Fly.io and Railway: once the app or service exists again).
    c.restoreDest(dest);
    const again = await up(c.provider, undefined, c.inputs(dest, rotated, {}));
    expect(again.action).toBe("create");
    expect(c.platformValues(dest, again.held)).toEqual(rotated);
    await c.provider.delete!(again.held.id, again.held.outs);
    expect(c.platformValues(dest, again.held)).toEqual({});
  });
});
