/**
 * The wire constants every serialized provider shares (defined once in components/delivery/wire.ts
 * rather than imported from the SDK: see why there), checked against the SDK's own.
 */
import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import {
  hasUnknown,
  reveal,
  SECRET_SIG,
  SIG_KEY,
  UNKNOWN,
  wireSecret,
} from "../../../components/delivery/wire";

describe("wire", () => {
  it("uses the SDK's unknown sentinel and secret signature", () => {
    expect([UNKNOWN, SIG_KEY, SECRET_SIG]).toEqual([unknownValue, specialSigKey, specialSecretSig]);
  });

  it("wraps a value as the engine marks a secret, and reveals wrapped values at any depth", () => {
    const v = { hashes: { A: "x" } };
    expect(wireSecret(v)).toEqual({ [specialSigKey]: specialSecretSig, value: v });
    expect(reveal({ a: [wireSecret(1)], b: wireSecret(wireSecret("two")), c: "3" })).toEqual({
      a: [1],
      b: "two",
      c: "3",
    });
  });

  it("finds the unknown sentinel anywhere in a value", () => {
    expect(hasUnknown({ a: [{ b: unknownValue }] })).toBe(true);
    expect(hasUnknown(unknownValue)).toBe(true);
    expect(hasUnknown({ a: ["04da6b54"], b: null })).toBe(false);
  });
});
