/** The shared diff and hashing of the platform providers, as pure functions. */
import {
  diffDelivery,
  DeliveryState,
  keyedHash,
  newHashKey,
  UNKNOWN,
  wireSecret,
} from "../../components/platforms/providerKit";
import { value } from "./kit";

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
