import * as fs from "fs";
import { STACKS } from "../../model";

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

/** Checks `--stack` against the project's stacks. */
export function checkStack(stack: string): string {
  if (!(STACKS as readonly string[]).includes(stack)) {
    throw new Error(`Unknown stack "${stack}": use ${STACKS.join(" or ")}.`);
  }
  return stack;
}
