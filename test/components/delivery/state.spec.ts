/** What a delivery keeps in state and how a change is computed from it, as pure functions. */
import {
  checkDeliveryInputs,
  diffDelivery,
  DeliveryState,
  keyedHash,
  newHashKey,
  ownedAfter,
  stateFromPlatform,
} from "../../../components/delivery/state";
import { UNKNOWN, wireSecret } from "../../../components/delivery/wire";
import { value } from "../platforms/kit";

const hashKey = newHashKey();
const a = value();
const b = value();
const olds = (extra: Partial<DeliveryState> = {}): DeliveryState & Record<string, unknown> => ({
  secretKeys: ["A", "B"],
  plainKeys: ["DIR"],
  vars: { DIR: "/srv" },
  hashKey,
  hashes: { A: keyedHash(hashKey, "A", a), B: keyedHash(hashKey, "B", b) },
  activation: "deploy",
  adopt: false,
  app: "one",
  ...extra,
});
const news = (secrets: Record<string, string>, vars: Record<string, string> = { DIR: "/srv" }) => ({
  secrets,
  vars,
  activation: "deploy",
  adopt: false,
  app: "one",
});
const fields = { replace: ["app"], update: ["activation", "adopt"] };

describe("diffDelivery", () => {
  it.each([
    ["nothing changed", news({ A: a, B: b }), false, []],
    ["one secret rotated", news({ A: value(), B: b }), true, ["A"]],
    ["a plain value changed", news({ A: a, B: b }, { DIR: "/other" }), true, ["DIR"]],
    ["a key dropped", news({ A: a }), true, ["B"]],
    ["a key added", news({ A: a, B: b, C: value() }), true, ["C"]],
    ["a key moved from plain to secret", news({ A: a, B: b, DIR: "/srv" }, {}), true, ["DIR"]],
    ["a value unknown in preview", news({ A: UNKNOWN, B: b }), true, ["A"]],
  ])("%s", (_what, n, changes, keys) => {
    const d = diffDelivery(olds(), n, fields, false);
    expect({ changes: d.changes, changedKeys: d.changedKeys, replaces: d.replaces }).toEqual({
      changes,
      changedKeys: keys,
      replaces: [],
    });
  });

  it("reads state whose derived values are still wrapped as secret", () => {
    const wrapped = { ...olds(), hashKey: wireSecret(hashKey), hashes: wireSecret(olds().hashes) };
    expect(diffDelivery(wrapped as never, news({ A: a, B: b }), fields, false).changes).toBe(false);
  });

  it("reports a change, never 'no change', when the whole map is unknown, without inventing keys", () => {
    const d = diffDelivery(olds(), { ...news({}), secrets: UNKNOWN as never }, fields, false);
    expect(d.changes).toBe(true);
    expect(d.changedKeys).toEqual(["A", "B"]);
  });

  it("replaces when the destination changes, and updates when an activation is still owed", () => {
    expect(
      diffDelivery(olds(), { ...news({ A: a, B: b }), app: "two" }, fields, false).replaces,
    ).toEqual(["app"]);
    expect(diffDelivery(olds(), news({ A: a, B: b }), fields, true).changes).toBe(true);
  });

  it("keys each hash by the resource's own key and by the variable name", () => {
    expect(keyedHash(hashKey, "A", a)).not.toBe(keyedHash(newHashKey(), "A", a));
    expect(keyedHash(hashKey, "A", a)).not.toBe(keyedHash(hashKey, "B", a));
    expect(keyedHash(hashKey, "A", a)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("stateFromPlatform", () => {
  it("keeps keyed hashes of the owned secret keys and the plain values, only for keys the platform holds", () => {
    const held = { A: a, DIR: "/srv", THEIRS: value() };
    expect(stateFromPlatform(hashKey, ["A", "B"], ["DIR", "GONE"], held)).toEqual({
      hashes: { A: keyedHash(hashKey, "A", a) },
      vars: { DIR: "/srv" },
    });
  });
});

describe("ownedAfter", () => {
  const before = { secretKeys: ["A", "B"], plainKeys: ["DIR", "OLD"] };
  const wanted = {
    secrets: { A: a, DIR: value() },
    vars: { NEW: "/x" },
    activation: "deploy",
    adopt: false,
  };
  it("owns exactly the desired keys once a run is done", () => {
    expect(ownedAfter(before, wanted, new Set(), true)).toEqual({
      secretKeys: ["A", "DIR"],
      plainKeys: ["NEW"],
    });
  });
  it("keeps every key it may still have to write or remove when a run stops part-way", () => {
    expect(ownedAfter(before, wanted, new Set(), false)).toEqual({
      secretKeys: ["A", "B", "DIR"],
      plainKeys: ["NEW", "OLD"],
    });
    // B was removed and DIR written as a secret: both are settled.
    expect(ownedAfter(before, wanted, new Set(["B", "DIR"]), false)).toEqual({
      secretKeys: ["A", "DIR"],
      plainKeys: ["NEW", "OLD"],
    });
    expect(ownedAfter(undefined, wanted, new Set(), false)).toEqual({
      secretKeys: ["A", "DIR"],
      plainKeys: ["NEW"],
    });
  });
});

describe("checkDeliveryInputs", () => {
  const re = /^[A-Z_][A-Z0-9_]*$/;
  it("names each bad variable name and each key that is both plain and secret", () => {
    expect(
      checkDeliveryInputs({ vars: { "bad-name": "x", BOTH: "y" }, secrets: { BOTH: a } }, re),
    ).toEqual([
      { property: "vars.bad-name", reason: '"bad-name" is not a valid variable name' },
      { property: "secrets.BOTH", reason: '"BOTH" is both plain and secret' },
    ]);
  });
  it("refuses a map that is not a map, and lets a whole map unknown in a preview through", () => {
    expect(checkDeliveryInputs({ vars: ["A"], secrets: { A: a } }, re)).toEqual([
      { property: "vars", reason: "must be a map of names to strings" },
    ]);
    expect(checkDeliveryInputs({ vars: UNKNOWN, secrets: UNKNOWN }, re)).toEqual([]);
    expect(checkDeliveryInputs({ vars: { DIR: "/srv" }, secrets: UNKNOWN }, re)).toEqual([]);
  });
});
