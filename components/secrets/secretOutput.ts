import * as pulumi from "@pulumi/pulumi";

/** Outputs this program made secret with {@link secretOutput}: marking one again is a no-op. */
const marked = new WeakSet<pulumi.Output<unknown>>();

/**
 * `pulumi.secret(v)`, remembered. One value reaches many resources (its Secret Manager version and
 * up to six platform deliveries); each of them marks what it receives as secret, and
 * `pulumi.secret` on an Output copies it through an `apply` every time. An Output this function
 * returned is already secret, so it is passed on as it is: the same value, the same secrecy, and
 * no copy. Anything else (a plain value, or an Output from elsewhere) is marked as before.
 */
export function secretOutput<T>(v: pulumi.Input<T>): pulumi.Output<T> {
  if (pulumi.Output.isInstance(v) && marked.has(v)) return v as pulumi.Output<T>;
  const out = pulumi.secret(v) as pulumi.Output<T>;
  marked.add(out);
  return out;
}
