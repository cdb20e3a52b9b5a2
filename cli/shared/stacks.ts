import * as fs from "fs";
import { InvalidArgumentError, Option } from "commander";
import type { CliContext } from "./context";

/**
 * Input the CLI refuses before doing anything (a stack that does not exist): exits 2 like any usage
 * error, where a failed check exits 1.
 */
export class UsageError extends Error {
  readonly exitCode = 2;
}

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

/** Edit distance with transpositions (optimal string alignment), case-insensitive. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) =>
    Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[x.length][y.length];
}

/** Whether the letters of `short` appear in `long` in order (`prd` in `production`). */
const abbreviates = (short: string, long: string): boolean => {
  let i = 0;
  for (const ch of long) if (ch === short[i]) i++;
  return i === short.length;
};

/**
 * The stack a mistyped name most likely meant: one the name starts or is started by (`prod`,
 * `Staging`, `staging-eu`), else one it abbreviates (`prd`, `stg`), else the one with the fewest
 * edits. Commander's own suggestion stays silent when the name is short next to the stack's (`prod`
 * for `production`), so the CLI picks for itself.
 */
export function closestStack(name: string, stacks: string[]): string | undefined {
  const n = name.trim().toLowerCase();
  const lower = (s: string) => s.toLowerCase();
  const related =
    stacks.find((s) => n !== "" && (lower(s).startsWith(n) || n.startsWith(lower(s)))) ??
    stacks.find((s) => n.length > 1 && abbreviates(n, lower(s)));
  if (related) return related;
  let best: { stack: string; d: number } | undefined;
  for (const s of stacks) {
    const d = distance(n, s);
    if (!best || d < best.d) best = { stack: s, d };
  }
  return best?.stack;
}

/** Why `name` is not a stack of this project, and what to type instead. */
export function unknownStackMessage(name: string, stacks: string[]): string {
  if (stacks.length === 0) {
    return `Unknown stack "${name}": this project has no stack file (Pulumi.<stack>.yaml), so there is no stack to choose. Create one with pulumi stack init ${name}.`;
  }
  return `Unknown stack "${name}": did you mean "${closestStack(name, stacks)}"? The stacks of this project (Pulumi.<stack>.yaml): ${stacks.join(", ")}.`;
}

/**
 * The `-s, --stack <name>` option every stack-scoped command shares. Its choices are the stack files
 * of the project folder, read when the CLI starts; any other name is a usage error (exit 2) that
 * names the closest stack and lists them all. `variadic` takes several (`--stack staging production`).
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
  return option.argParser((value: string, previous: unknown) => {
    if (!stacks.includes(value)) {
      const err = new InvalidArgumentError(unknownStackMessage(value, stacks));
      err.exitCode = 2;
      throw err;
    }
    if (!opts.variadic) return value;
    return Array.isArray(previous) ? [...previous, value] : [value];
  });
}
