/** The YAML manifests' shared reading: a parsed document with line numbers, and typed lookups. */
import YAML, { isMap, isPair, isScalar, isSeq, LineCounter, Node } from "yaml";
import { Finding } from "./common";

/** A parsed YAML manifest. */
export interface YamlFile {
  file: string;
  doc: YAML.Document.Parsed;
  line(n: unknown): number;
}

export function parseYaml(file: string, text: string): YamlFile | Finding {
  const lc = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter: lc });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    return {
      file,
      line: e.linePos?.[0].line ?? 1,
      variable: "(file)",
      rule: "invalid-manifest",
      message: `is not valid YAML: ${e.message.split("\n")[0]}`,
      fix: "fix the YAML syntax; the platform would refuse the file too.",
    };
  }
  const line = (n: unknown): number => {
    const range = (n as Node | undefined)?.range;
    return range ? lc.linePos(range[0]).line : 1;
  };
  return { file, doc, line };
}

/** `map[key]` with its key node (for the line), or undefined. */
export function get(map: unknown, key: string): { keyNode: Node; value: unknown } | undefined {
  if (!isMap(map)) return undefined;
  for (const p of map.items) {
    if (isPair(p) && isScalar(p.key) && p.key.value === key)
      return { keyNode: p.key as Node, value: p.value };
  }
  return undefined;
}

export const str = (n: unknown): string | undefined =>
  isScalar(n) &&
  (typeof n.value === "string" || typeof n.value === "number" || typeof n.value === "boolean")
    ? String(n.value)
    : undefined;

/** The string items of a sequence node (an array of strings, or a single string). */
export const seqStrings = (n: unknown): string[] =>
  isSeq(n) ? n.items.map(str).filter((x): x is string => x !== undefined) : str(n) ? [str(n)!] : [];
