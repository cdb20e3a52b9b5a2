/**
 * What the plan puts first and last. First, "Before a real pulumi up": the placeholders to replace,
 * the external values to set and the platform tokens to export, each with its command, so the one
 * thing that matters before a first deploy is never buried. Last, a short summary.
 */
import { PLATFORM_TOKENS } from "../shared/platformTokens";
import { heading, Line, line } from "./layout";
import type { Plan } from "./plan";

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The external values a real `pulumi up` refuses to run without (unset, or stored in plaintext). */
const pendingExternal = (p: Plan) => p.externalValues.filter((e) => e.state !== "encrypted");

/** The example value a placeholder issue names (its problem starts with the value, quoted). */
export const placeholderValue = (i: Plan["placeholders"][number]): string | undefined =>
  /^"([^"]*)"/.exec(i.problem)?.[1];

/** Marks every placeholder value in `text`, so an example ID is never read as a real one. */
export function markPlaceholders(p: Plan, text: string): string {
  let out = text;
  for (const v of new Set(p.placeholders.map(placeholderValue))) {
    if (v) out = out.split(v).join(`${v} [placeholder]`);
  }
  return out;
}

/** The platforms this stack delivers to, in the order of the deliveries. */
export const platformsOf = (p: Plan): string[] => [...new Set(p.deliveries.map((d) => d.target))];

/** The "Before a real pulumi up" block, or nothing when nothing stands in the way. */
export function beforeUp(p: Plan): Line[] {
  const placeholders = p.placeholders;
  const external = pendingExternal(p);
  const platforms = platformsOf(p);
  if (placeholders.length + external.length + platforms.length === 0) return [];
  const out: Line[] = [heading("Before a real pulumi up")];
  if (placeholders.length > 0) {
    out.push(
      line(
        `  Replace ${plural(placeholders.length, "placeholder")} (example values from the repository; a real pulumi up refuses them):`,
        "attention",
      ),
    );
    for (const i of placeholders) {
      const key = i.key.replace(/^[^:]+:/, "");
      out.push({ text: `    ${key}: ${i.problem.replace(/, not a real one\.$/, "")}`, hang: 6 });
      out.push({ text: `      ${i.fix}`, hang: 8 });
    }
  }
  if (external.length > 0) {
    out.push(
      line(
        `  Set ${plural(external.length, "external value")}, encrypted: pulumi up refuses to run until each is set.`,
        "attention",
      ),
    );
    for (const e of external) {
      const what = `${e.variable}${e.scope === "shared" ? "" : ` for ${e.scope}`}`;
      const why =
        e.state === "plaintext" ? "; it is in plaintext now: re-enter it, then rotate it" : "";
      out.push({
        text: `    pulumi config set --secret ${e.key} --stack ${p.stack}   (${what}${why})`,
        hang: 6,
      });
    }
  }
  if (platforms.length > 0) {
    out.push(
      line(
        `  Export ${plural(platforms.length, "platform token")} in the environment of pulumi up (never in config; docs/platforms.md):`,
      ),
    );
    out.push({
      text: `    ${platforms
        .map((t) => {
          const token = PLATFORM_TOKENS[t];
          return token ? `${token.env} (${token.platform})` : `the token of ${t}`;
        })
        .join(", ")}`,
      hang: 6,
    });
  }
  out.push(
    line(
      `  Then: npx pegasus-secrets doctor --stack ${p.stack} checks all of this, and your Pulumi CLI, login and credentials.`,
    ),
  );
  return out;
}

/** The last lines: what the stack declares, counted, and what is left before a real pulumi up. */
export function summary(p: Plan): Line[] {
  const destinations = new Set(
    p.deliveries.map((d) => `${d.target}/${d.consumer}/${d.destination}`),
  );
  const platforms = platformsOf(p);
  const out: Line[] = [
    heading(
      `Summary: ${plural(p.secrets.length, "secret")}, ${plural(p.access.length, "access grant")}, ${plural(
        destinations.size,
        "platform delivery",
        "platform deliveries",
      )}${platforms.length ? ` (${platforms.join(", ")})` : ""}, ${plural(p.warnings.length, "warning")}.`,
    ),
  ];
  const left = [
    p.placeholders.length ? `replace ${plural(p.placeholders.length, "placeholder")}` : "",
    pendingExternal(p).length ? `set ${plural(pendingExternal(p).length, "external value")}` : "",
    platforms.length ? `export ${plural(platforms.length, "platform token")}` : "",
  ].filter(Boolean);
  if (left.length > 0) {
    out.push(
      line(
        `Before a real pulumi up: ${left.join(", ")} (listed at the top); then npx pegasus-secrets doctor --stack ${p.stack}.`,
        "attention",
      ),
    );
  }
  return out;
}
