/**
 * The dynamic-provider lifecycle of every platform delivery, written once: check, diff, create,
 * update, read and delete around a platform adapter (`components/platforms/{render,fly,railway}Adapter.ts`)
 * that only knows its platform: what names a destination, how to read it, how to write changed
 * keys, activate a change and remove owned keys.
 *
 * The engine decides what to write (from the values the platform shows, or from the keyed hashes in
 * state where it shows none), keeps the state (owned keys, plain values, keyed hashes, the
 * adapter's own fields), reports a run that stops part-way as a partial failure that keeps what was
 * done, and never moves a delivery to an object its state does not know.
 *
 * Bundled into each provider (`packaged.ts`, DESIGN.md D6): no module state and no Pulumi value
 * (the import below is types only); the adapter's `connect` reads the credential when a method runs.
 */
import type { dynamic } from "@pulumi/pulumi";
import { PLATFORM_PATTERNS } from "../../model/naming";
import type { Adapter, Current, Job, StateOf } from "./adapter";
import {
  checkDeliveryInputs,
  DeliveryInputs,
  DeliveryState,
  desiredValues,
  diffDelivery,
  keyDiff,
  keyedHash,
  newHashKey,
  ownedAfter,
  ownedKeys,
  stateFromPlatform,
} from "./state";
import { reveal, wireSecret } from "./wire";

/** Inputs every delivery applies in an update. */
const ALWAYS_UPDATED = ["activation", "adopt"];

/**
 * A failure after the platform already changed: the dynamic-provider host reports it as
 * "created/updated but not initialized" with these properties, so the engine keeps what was done
 * in state and the next `pulumi up` finishes the job instead of repeating or losing it.
 */
export function partialFailure(
  err: unknown,
  id: string,
  properties: Record<string, unknown>,
): Error & { id: string; properties: Record<string, unknown>; reasons: string[] } {
  const message =
    err instanceof Error ? err.message : "the change stopped part-way for an unknown reason";
  return Object.assign(
    new Error(
      `${message} Part of the change was applied and is recorded in the stack's state; run \`pulumi up\` again to finish it.`,
    ),
    { id, properties, reasons: [message] },
  );
}

/**
 * The object a delivery's state points to (a Render group, a Fly.io app, a Railway service) is gone:
 * someone deleted it outside Pulumi. An update fails with this error rather than writing to a new
 * object: the engine keeps the ID it has, so a new object would be one the state does not know (a
 * refresh would drop the delivery while the new object kept every value, and a destroy would delete
 * nothing). A replacement is not possible either: only diff can ask for one, and diff works from
 * the state alone (a preview needs no credentials). A refresh drops the delivery; the next
 * `pulumi up` creates it again. `then` says what to do after the refresh.
 */
export function goneError(what: string, then: string): Error {
  return new Error(
    `${what} no longer exists: it was deleted outside Pulumi, and an update never moves this delivery to an object its state does not know. Run \`pulumi refresh\` (it drops the delivery from the state), then ${then}.`,
  );
}

/** Whether an own field says an activation is still owed (a list of targets, or a flag). */
const owed = (v: unknown): boolean => (Array.isArray(v) ? v.length > 0 : v === true);

const pick = <T>(m: Record<string, T>, keys: string[]): Record<string, T> =>
  Object.fromEntries(keys.filter((k) => k in m).map((k) => [k, m[k]]));

/** The state as returned to the engine: derived values wrapped as secret by the provider itself. */
function wrapState<I extends DeliveryInputs, O extends object, A, X>(
  adapter: Adapter<I, O, A, X>,
  state: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...state };
  for (const k of ["hashKey", "hashes", ...adapter.secretOwn]) out[k] = wireSecret(state[k]);
  return out;
}

/**
 * Brings the destination to the desired keys, then activates, reporting a stop part-way as a
 * partial failure once the destination has an ID. Used by create (`olds` undefined) and update.
 */
async function reconcile<I extends DeliveryInputs, O extends object, A, X>(
  adapter: Adapter<I, O, A, X>,
  api: A,
  olds: StateOf<I, O> | undefined,
  news: I,
  found: Current<X>,
): Promise<{ id: string; outs: Record<string, unknown> }> {
  const desired = desiredValues(news);
  const hashKey = olds?.hashKey || newHashKey();
  const values = found.values;
  let set: string[];
  let remove: string[];
  if (values) {
    // The platform shows its values: write what differs, remove what is still there.
    set = Object.keys(desired).filter((k) => values[k] !== desired[k]);
    remove = ownedKeys(olds ?? { secretKeys: [], plainKeys: [] }).filter(
      (k) => !(k in desired) && values[k] !== undefined,
    );
  } else if (!olds) {
    set = Object.keys(desired).sort();
    remove = [];
  } else {
    // It does not: what to write comes from the keyed hashes in state.
    const d = keyDiff({ ...olds, hashKey }, news);
    set = d.changed;
    remove = d.removed;
  }

  // What the platform holds for our keys: its values, kept current as writes succeed; or, where it
  // shows none, the hashes and plain values of what this stack wrote, minus any key now in doubt.
  const known: Record<string, string | undefined> = { ...(values ?? {}) };
  const hashes: Record<string, string> = values ? {} : { ...(olds?.hashes ?? {}) };
  const vars: Record<string, string> = values ? {} : { ...(olds?.vars ?? {}) };
  const forget = (k: string) => {
    delete known[k];
    delete hashes[k];
    delete vars[k];
  };
  if (!values) [...set, ...remove].forEach(forget);
  const settled = new Set<string>();
  const own = JSON.parse(JSON.stringify(adapter.own)) as O;
  for (const k of Object.keys(adapter.own) as (keyof O & string)[]) {
    const previous = (olds as Record<string, unknown> | undefined)?.[k];
    if (previous !== undefined) own[k] = JSON.parse(JSON.stringify(previous));
  }
  const job: Job<I, O, X> = {
    id: found.id,
    news,
    olds,
    found,
    desired,
    set,
    remove,
    own,
    created: (id) => {
      job.id = id;
    },
    wrote: (keys) => {
      for (const k of keys) {
        settled.add(k);
        forget(k);
        if (values) known[k] = desired[k];
        else if (k in (news.secrets ?? {})) hashes[k] = keyedHash(hashKey, k, desired[k]);
        else vars[k] = desired[k];
      }
    },
    removed: (keys) => {
      for (const k of keys) {
        settled.add(k);
        forget(k);
      }
    },
  };
  const fields = [...adapter.replaceOn, ...adapter.updateOn, ...ALWAYS_UPDATED];
  const stateNow = (done: boolean): Record<string, unknown> => {
    const owned = ownedAfter(olds, news, settled, done);
    const seen = values
      ? stateFromPlatform(hashKey, owned.secretKeys, owned.plainKeys, known)
      : { hashes: pick(hashes, owned.secretKeys), vars: pick(vars, owned.plainKeys) };
    const inputs = news as unknown as Record<string, unknown>;
    return wrapState(adapter, {
      ...Object.fromEntries(fields.map((f) => [f, inputs[f]])),
      ...job.own,
      ...owned,
      ...seen,
      hashKey,
    });
  };
  try {
    await adapter.write(api, job);
    await adapter.activate(api, job);
  } catch (err) {
    // Before the destination exists nothing was done, so nothing is kept.
    if (!job.id) throw err;
    throw partialFailure(err, job.id, stateNow(false));
  }
  return { id: job.id, outs: stateNow(true) };
}

/**
 * The dynamic provider of one platform. Everything it does goes through `adapter`; it reads its
 * credential only when a method runs.
 */
export function deliveryProvider<I extends DeliveryInputs, O extends object, A, X>(
  adapter: Adapter<I, O, A, X>,
): dynamic.ResourceProvider {
  type S = StateOf<I, O>;
  const connectFor = (news: I) => adapter.connect(Object.values(desiredValues(news)));
  return {
    async check(_olds: unknown, news: Record<string, unknown>) {
      return { inputs: news, failures: checkDeliveryInputs(news, PLATFORM_PATTERNS.envKey.re) };
    },

    async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
      const pending = owed((reveal(olds) as Record<string, unknown>)[adapter.pendingField]);
      return diffDelivery(
        olds as DeliveryState & Record<string, unknown>,
        news as DeliveryInputs & Record<string, unknown>,
        { replace: adapter.replaceOn, update: [...adapter.updateOn, ...ALWAYS_UPDATED] },
        pending,
      );
    },

    async create(inputs: Record<string, unknown>) {
      const news = reveal(inputs) as unknown as I;
      const api = connectFor(news);
      const found = (await adapter.read(api, { create: news })) ?? adapter.absent(news);
      const refusal = news.adopt ? undefined : adapter.refuse(news, found);
      if (refusal) throw new Error(refusal);
      return reconcile(adapter, api, undefined, news, found);
    },

    async update(id: string, olds: Record<string, unknown>, inputs: Record<string, unknown>) {
      const state = reveal(olds) as S;
      const news = reveal(inputs) as unknown as I;
      const api = connectFor(news);
      const found = await adapter.read(api, { id, state });
      if (!found) {
        const gone = adapter.gone(id, state);
        throw goneError(gone.what, gone.then);
      }
      const { outs } = await reconcile(adapter, api, state, news, found);
      return { outs };
    },

    async read(id: string, props: Record<string, unknown>) {
      const state = reveal(props) as S;
      const found = await adapter.read(adapter.connect([]), { id, state });
      if (!found) return { id: "", props: {} };
      const r = adapter.refresh?.(state, found) ?? {};
      const stale = new Set(r.stale ?? []);
      const seen = found.values
        ? stateFromPlatform(state.hashKey, state.secretKeys, state.plainKeys, found.values)
        : {
            hashes: pick(
              state.hashes ?? {},
              Object.keys(state.hashes ?? {}).filter((k) => !stale.has(k)),
            ),
            vars: pick(
              state.vars ?? {},
              Object.keys(state.vars ?? {}).filter((k) => !stale.has(k)),
            ),
          };
      // The ID of the object read: a state whose ID drifted from the object it records heals here.
      return { id: found.id || id, props: wrapState(adapter, { ...state, ...r.props, ...seen }) };
    },

    async delete(id: string, props: Record<string, unknown>) {
      const state = reveal(props) as S;
      const api = adapter.connect([]);
      const found = await adapter.read(api, { id, state });
      if (!found) return;
      const present = new Set(found.keys);
      const keys = ownedKeys(state).filter((k) => present.has(k));
      await adapter.remove(api, { id: found.id || id, state, found, keys });
    },
  };
}
