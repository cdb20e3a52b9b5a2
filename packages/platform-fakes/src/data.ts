/**
 * Small data helpers every fake uses: random hex for tokens and ids (never literals), deep copies
 * of JSON state handed to tests, and the plain-object test.
 */
import { randomBytes } from "node:crypto";

/** Generates a random hex string: test tokens and ids never are literals. */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

/** Structured clone for plain JSON data, so callers never share state with the fake. */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** A plain JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
