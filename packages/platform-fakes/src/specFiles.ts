/**
 * The published contracts the fakes check requests against, in the repository's `specs/` (see
 * specs/PLATFORM_APIS.md), and the deviations from them that the brief documents. Also the JSON
 * pointer helpers the contract modules share.
 */
import * as path from "node:path";
import { isPlainObject } from "./data";

/** The published contracts live at the repository root (`specs/`), beside the docs that cite them. */
export const SPECS_DIR = path.resolve(__dirname, "..", "..", "..", "specs");

/** A JSON object of a spec document. */
export type JsonObject = Record<string, unknown>;

/** The OpenAPI documents the REST fakes follow. */
export type OpenApiSpecName = "render" | "fly";

/** The file of each OpenAPI document under `specs/`. */
export const SPEC_FILES: Record<OpenApiSpecName, string> = {
  render: "render-openapi.json",
  fly: "fly-machines-openapi.json",
};

/**
 * Documented deviations from the spec files, applied before anything is compiled. Each follows a
 * statement of specs/PLATFORM_APIS.md that the spec file contradicts.
 */
export const OVERLAYS: Record<OpenApiSpecName, (doc: JsonObject) => void> = {
  render: () => undefined,
  fly: (doc) => {
    // PLATFORM_APIS.md §2 "null unsets": fly-go sends map[string]*string, so a JSON null unsets a
    // secret, although components/schemas/AppSecretsUpdateRequest types the values as strings.
    const values = dig(doc, ["components", "schemas", "AppSecretsUpdateRequest", "properties"]);
    if (isPlainObject(values) && isPlainObject(values.values)) {
      values.values.additionalProperties = { type: "string", nullable: true };
    }
  },
};

/** The value at `keys` under `root`, or undefined when a step is missing. */
export function dig(root: unknown, keys: string[]): unknown {
  let current = root;
  for (const key of keys) {
    if (!isPlainObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** One JSON pointer segment, unescaped (`~1` is `/`, `~0` is `~`). */
export function decodePointer(part: string): string {
  return part.replace(/~1/g, "/").replace(/~0/g, "~");
}
