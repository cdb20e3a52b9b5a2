/**
 * Schema errors of map-valued stack config, in words an operator can act on: which key is wrong,
 * what that place takes, the closest valid name, and the edit or command that fixes it. zod
 * checks the shape; this file only explains what it found.
 */
import type { z } from "zod";
import { didYouMean } from "./suggest";

/** One problem, ready for an `IssueList`. */
export interface DescribedIssue {
  /** Dotted path under the project namespace: `identities.worker.acountId`. */
  path: string;
  problem: string;
  fix: string;
}

/** The zod internals this file reads to learn what a place in the schema takes. */
interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  shape?: Record<string, Schema>;
  keyType?: Schema;
  valueType?: Schema;
  element?: Schema;
  options?: Schema[];
  entries?: Record<string, string>;
}
interface Schema {
  _zod: { def: Def };
}

const WRAPPERS = new Set(["optional", "default", "prefault", "nullable", "readonly", "catch"]);

function unwrap(s: Schema): Schema {
  let cur = s;
  for (let i = 0; i < 20; i++) {
    const d = cur._zod.def;
    if (WRAPPERS.has(d.type) && d.innerType) cur = d.innerType;
    else if (d.type === "pipe" && d.in) cur = d.in;
    else break;
  }
  return cur;
}

/** The alternatives a schema stands for (the branches of a union, flattened). */
const branches = (s: Schema): Schema[] => {
  const u = unwrap(s);
  return u._zod.def.type === "union" ? (u._zod.def.options ?? []).flatMap(branches) : [u];
};

/** Enum values of a record's key type, or undefined when any key goes. */
const enumKeys = (s: Schema | undefined): string[] | undefined => {
  if (!s) return undefined;
  const d = unwrap(s)._zod.def;
  return d.type === "enum" && d.entries ? Object.values(d.entries) : undefined;
};

/** The schemas that describe the value at `path` below `root`. */
function schemasAt(root: Schema, path: (string | number)[]): Schema[] {
  let current = branches(root);
  for (const seg of path) {
    const next: Schema[] = [];
    for (const s of current) {
      const d = s._zod.def;
      if (d.type === "object" && d.shape && typeof seg === "string" && seg in d.shape) {
        next.push(...branches(d.shape[seg]));
      } else if (d.type === "record" && d.valueType) {
        const keys = enumKeys(d.keyType);
        if (!keys || keys.includes(String(seg))) next.push(...branches(d.valueType));
      } else if (d.type === "array" && d.element) {
        next.push(...branches(d.element));
      }
    }
    current = next;
  }
  return current;
}

/** Every key the map at `path` takes (object fields, or a record's enumerated keys). */
export function keysAt(root: z.ZodType, path: (string | number)[]): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(root as unknown as Schema, path)) {
    const d = s._zod.def;
    if (d.type === "object" && d.shape) Object.keys(d.shape).forEach((k) => keys.add(k));
    if (d.type === "record") enumKeys(d.keyType)?.forEach((k) => keys.add(k));
  }
  return [...keys];
}

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
  errors?: Issue[][];
  options?: unknown[];
  values?: unknown[];
  expected?: string;
  discriminator?: string;
  input?: unknown;
}

const dotted = (p: (string | number)[]) => p.map(String).join(".");
const list = (xs: readonly unknown[]) => xs.map((x) => String(x)).join(", ");

/**
 * Explains one zod issue of config key `key` (`identities`) in stack `stack`: where, what that
 * place takes, and the edit or command that fixes it.
 */
export function describeIssue(
  root: z.ZodType,
  key: string,
  issue: z.core.$ZodIssue,
  stack: string,
): DescribedIssue[] {
  const i = issue as unknown as Issue;
  const path = [key, ...i.path.map((p) => (typeof p === "number" ? p : String(p)))];
  const inner = path.slice(1);
  const file = `Pulumi.${stack}.yaml`;
  const edit = (p: string) =>
    `edit \`${p}\` in ${file}; README.md ("Config reference") shows the shape of \`${key}\`.`;
  const unknownKey = (at: (string | number)[], k: string, allowed: string[]): DescribedIssue => {
    const hint = didYouMean(k, allowed);
    const where = at.length ? `\`${dotted([key, ...at])}\`` : `\`${key}\``;
    return {
      path: dotted([key, ...at, k]),
      problem: `unknown key "${k}": ${where} takes ${allowed.length ? list(allowed) : "no keys"}.${hint}`,
      fix: hint
        ? `rename it in ${file}.`
        : `remove it: pulumi config rm --path '${dotted([key, ...at, k])}' --stack ${stack}`,
    };
  };
  switch (i.code) {
    case "unrecognized_keys":
      return (i.keys ?? []).map((k) => unknownKey(inner, k, keysAt(root, inner)));
    case "invalid_union": {
      if (i.discriminator) {
        return [
          {
            path: dotted(path),
            problem: `is not one of ${list(i.options ?? [])}.`,
            fix: `pulumi config set --path '${dotted(path)}' <${list(i.options ?? []).replace(/, /g, "|")}> --stack ${stack}`,
          },
        ];
      }
      // Every alternative refused an unknown key: name it once, with what the alternatives take.
      const branchErrors = i.errors ?? [];
      const unknown = branchErrors.map((es) =>
        es
          .filter((e) => e.code === "unrecognized_keys" && e.path.length === 0)
          .flatMap((e) => e.keys ?? []),
      );
      if (unknown.length > 0 && unknown.every((ks) => ks.length > 0)) {
        const keys = [...new Set(unknown.flat())];
        return keys.map((k) => unknownKey(inner, k, keysAt(root, inner)));
      }
      const shapes = keysAt(root, inner);
      return [
        {
          path: dotted(path),
          problem: shapes.length
            ? `matches none of its shapes: it takes one of ${shapes.map((s) => `{${s}}`).join(", ")}.`
            : "matches none of its allowed shapes.",
          fix: edit(dotted(path)),
        },
      ];
    }
    case "invalid_value":
      return [
        {
          path: dotted(path),
          problem: `must be one of ${list(i.values ?? [])}.`,
          fix: `pulumi config set --path '${dotted(path)}' <${list(i.values ?? []).replace(/, /g, "|")}> --stack ${stack}`,
        },
      ];
    case "invalid_type": {
      const missing = /received undefined/.test(i.message);
      return [
        {
          path: dotted(path),
          problem: missing
            ? `is required (a ${i.expected}).`
            : `must be a ${i.expected === "object" ? "map" : i.expected === "array" ? "list" : i.expected}.`,
          fix: edit(dotted(path)),
        },
      ];
    }
    default:
      return [
        {
          path: dotted(path),
          problem: `${i.message.replace(/\.$/, "")}.`,
          fix: edit(dotted(path)),
        },
      ];
  }
}
