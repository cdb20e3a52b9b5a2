import * as fs from "fs";
import { Option } from "commander";
import { distance } from "fastest-levenshtein";
import type { CliContext } from "./context";
import { UsageError } from "./usage";

export { UsageError } from "./usage";

/** Stack names with a `Pulumi.<stack>.yaml` in any of `dirs`, sorted with staging before production. */
export function stacksIn(...dirs: string[]): string[] {
  const names = new Set<string>();
  for (const d of dirs) {
    if (!fs.existsSync(d)) continue;
    for (const f of fs.readdirSync(d)) {
      const m = /^Pulumi\.(.+)\.yaml$/.exec(f);
      if (m) names.add(m[1]);
    }
  }
  const order = (s: string) => (s === "staging" ? 0 : s === "production" ? 1 : 2);
  return [...names].sort((a, b) => order(a) - order(b) || a.localeCompare(b));
}

/** Whether the letters of `short` appear in `long` in order (`prd` in `production`). */
const abbreviates = (short: string, long: string): boolean => {
  let i = 0;
  for (const ch of long) if (ch === short[i]) i++;
  return i === short.length;
};

/** What a stack name may hold (Pulumi's own rule): no slash, so never a path. */
const STACK_NAME = /^[A-Za-z0-9_.-]+$/;
const isPath = (name: string) => !STACK_NAME.test(name) || /^\.+$/.test(name);

/** How many leading letters two names share. */
const sharedPrefix = (a: string, b: string): number => {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
};

/**
 * The stack a mistyped name most likely meant: one the name starts or is started by (`prod`,
 * `Staging`, `staging-eu`), or shares its first letters with (`stage`: at least three, and half the
 * name), else one it abbreviates (`prd`, `stg`), else the one with the fewest
 * edits when that is a likely typo (at most a third of the name). None for a path, or for a name
 * like no stack: a suggestion is never a guess.
 */
export function closestStack(name: string, stacks: string[]): string | undefined {
  const n = name.trim().toLowerCase();
  if (n === "" || isPath(n)) return undefined;
  const lower = (s: string) => s.toLowerCase();
  const related =
    stacks.find((s) => lower(s).startsWith(n) || n.startsWith(lower(s))) ??
    stacks.find((s) => sharedPrefix(n, lower(s)) >= Math.max(3, n.length / 2)) ??
    stacks.find((s) => n.length > 1 && abbreviates(n, lower(s)));
  if (related) return related;
  let best: { stack: string; d: number } | undefined;
  for (const s of stacks) {
    const d = distance(n, s.toLowerCase());
    if (!best || d < best.d) best = { stack: s, d };
  }
  return best && best.d <= Math.max(2, Math.floor(n.length / 3)) ? best.stack : undefined;
}

const either = (stacks: string[]) => stacks.map((s) => `--stack ${s}`).join(" or ");

/** Why `name` is not a stack of this project, and the fix: the closest stack, or the list. */
export function unknownStack(name: string, stacks: string[]): UsageError {
  if (stacks.length === 0) {
    return new UsageError(
      `unknown stack "${name}": this project has no stack file (Pulumi.<stack>.yaml), so there is no stack to choose.`,
      `create one: pulumi stack init ${isPath(name) ? "staging" : name}, and commit its Pulumi.<stack>.yaml.`,
    );
  }
  const list = `The stacks of this project (one Pulumi.<stack>.yaml each): ${stacks.join(", ")}.`;
  if (isPath(name)) {
    return new UsageError(
      `"${name}" is not a stack name: a stack is named by its file Pulumi.<stack>.yaml (letters, digits, - _ .), never by a path. ${list}`,
      `use ${either(stacks)}.`,
    );
  }
  const near = closestStack(name, stacks);
  if (near) {
    return new UsageError(
      `unknown stack "${name}". ${list} Did you mean ${near}?`,
      `use --stack ${near}.`,
      { wrong: name, right: near },
    );
  }
  return new UsageError(
    `unknown stack "${name}". ${list}`,
    `use ${either(stacks)}; a new stack needs its own file first (pulumi stack init ${name}).`,
  );
}

/** {@link unknownStack}'s message: what is wrong and the fix. */
export const unknownStackMessage = (name: string, stacks: string[]): string =>
  unknownStack(name, stacks).message;

/**
 * The `-s, --stack <name>` option every stack-scoped command shares. Its choices are the stack files
 * of the project folder, read when the CLI starts; any other name is a usage error (exit 2) that
 * names the closest stack, lists them all, and shows the corrected command. `variadic` takes several (`--stack staging production`).
 */
export function stackOption(
  ctx: CliContext,
  description: string,
  opts: { variadic?: boolean } = {},
): Option {
  const stacks = stacksIn(ctx.projectDir);
  const option = new Option(`-s, --stack <name${opts.variadic ? "..." : ""}>`, description).choices(
    stacks,
  );
  // A usage error of its own rather than commander's "argument is invalid": it carries the repair.
  return option.argParser((value: string, previous: unknown) => {
    if (!stacks.includes(value)) throw unknownStack(value, stacks);
    if (!opts.variadic) return value;
    return Array.isArray(previous) ? [...previous, value] : [value];
  });
}
