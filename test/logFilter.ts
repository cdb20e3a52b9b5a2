/**
 * Evaluates a Cloud Logging query against a log entry, for the part of the Logging query language
 * the program's filters use (https://cloud.google.com/logging/docs/view/logging-query-language):
 * `AND`, `OR`, `NOT`, parentheses, `field=value`, `field:value` (substring), and a value list
 * `field=("a" OR "b")`. Anything else is an error, so a filter the program starts to write in
 * another shape fails the test instead of being misread.
 */
type Node =
  | { op: "and" | "or"; args: Node[] }
  | { op: "not"; arg: Node }
  | { op: "cmp"; field: string; cmp: "=" | ":"; values: string[] };

function tokenize(s: string): string[] {
  const out: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|\(|\)|=|:|[A-Za-z_@.][A-Za-z0-9_@.]*)/y;
  let at = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    out.push(m[1]);
    at = re.lastIndex;
  }
  if (s.slice(at).trim() !== "") throw new Error(`cannot read filter at: ${s.slice(at, at + 40)}`);
  return out;
}

export function parseFilter(text: string): Node {
  const t = tokenize(text);
  let i = 0;
  const peek = () => t[i];
  const take = (want?: string) => {
    const x = t[i++];
    if (want !== undefined && x !== want) throw new Error(`expected ${want}, got ${x}`);
    return x;
  };
  const str = (x: string) => {
    if (!x.startsWith('"')) throw new Error(`expected a quoted value, got ${x}`);
    return JSON.parse(x) as string;
  };
  const or = (): Node => {
    const args = [and()];
    while (peek() === "OR") {
      take();
      args.push(and());
    }
    return args.length === 1 ? args[0] : { op: "or", args };
  };
  const and = (): Node => {
    const args = [unary()];
    while (peek() === "AND") {
      take();
      args.push(unary());
    }
    return args.length === 1 ? args[0] : { op: "and", args };
  };
  const unary = (): Node => {
    if (peek() === "NOT") {
      take();
      return { op: "not", arg: unary() };
    }
    if (peek() === "(") {
      take("(");
      const n = or();
      take(")");
      return n;
    }
    const field = take();
    const cmp = take();
    if (cmp !== "=" && cmp !== ":") throw new Error(`unsupported comparison ${cmp}`);
    if (peek() === "(") {
      take("(");
      const values = [str(take())];
      while (peek() === "OR") {
        take();
        values.push(str(take()));
      }
      take(")");
      return { op: "cmp", field, cmp, values };
    }
    return { op: "cmp", field, cmp, values: [str(take())] };
  };
  const n = or();
  if (i !== t.length) throw new Error(`unexpected ${t[i]}`);
  return n;
}

const fieldOf = (entry: unknown, path: string): unknown =>
  path
    .split(".")
    .reduce<unknown>(
      (v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
      entry,
    );

/** Whether the entry matches the filter. */
export function matches(filter: string, entry: unknown): boolean {
  const ev = (n: Node): boolean => {
    switch (n.op) {
      case "and":
        return n.args.every(ev);
      case "or":
        return n.args.some(ev);
      case "not":
        return !ev(n.arg);
      case "cmp": {
        const v = fieldOf(entry, n.field);
        if (typeof v !== "string") return false;
        return n.values.some((x) => (n.cmp === "=" ? v === x : v.includes(x)));
      }
    }
  };
  return ev(parseFilter(filter));
}
