/**
 * What break-glass leaves to run after its rotations (guide, break-glass steps 3 and 4): the exact
 * commands, as argument vectors that `--run` executes and the printout shows identically.
 */
import { Model, planDeliveries } from "../../model";
import { RUNTIME_SERVICES } from "../../model/runbookConfig";
import { list } from "./impact";

/** One follow-up of break-glass: a command to run, a step only a person can do, or a note. */
export interface FollowUp {
  stack: string;
  /** `value` (set an external value), `up`, `restart`, `verify`, `manual` (by hand), `info` (nothing to do). */
  step: "value" | "up" | "applied" | "restart" | "verify" | "manual" | "info";
  /** The exact command; absent for a manual step or a note. */
  command?: string[];
  /** Environment it needs (`PEGASUS_BREAK_GLASS` for a break-glass `pulumi up`). */
  env?: Record<string, string>;
  /** What it does, in a few words. */
  note: string;
}

/** Shell-quotes one argument for printing. */
const q = (a: string): string =>
  /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
/** A command as it is printed: exactly the argument vector (and environment) that `--run` executes. */
export const shellLine = (cmd: string[], env: Record<string, string> = {}): string =>
  [...Object.entries(env).map(([k, v]) => `${k}=${q(v)}`), ...cmd.map(q)].join(" ");

/**
 * The restart of each service of a stack (guide, break-glass step 3), from its platform deliveries.
 * A delivery whose activation already restarts the service at `pulumi up` (a Render deploy or
 * restart, a Fly machine update, a Railway redeploy) needs no second restart; the others get the
 * platform's own restart call, with credentials read from the environment at run time and never
 * printed. A service with no platform target here is a step by hand. Only `services` (those that
 * receive a rotated value) are restarted: the others' values did not change.
 */
export function restartFollowUps(model: Model, stack: string, services: string[]): FollowUp[] {
  const out: FollowUp[] = [];
  const automatic: string[] = [];
  const covered = new Set<string>();
  for (const d of planDeliveries(model).filter((x) => services.includes(x.consumer))) {
    covered.add(d.consumer);
    const t = d.target;
    if (t.platform === "render") {
      if (t.activation !== "none") {
        automatic.push(`${d.consumer} on Render (${t.activation})`);
        continue;
      }
      for (const id of t.serviceIds) {
        out.push({
          stack,
          step: "restart",
          note: `restart ${d.consumer} (Render service ${id})`,
          command: [
            "sh",
            "-c",
            `curl -fsS -X POST -H "Authorization: Bearer $RENDER_API_KEY" "\${RENDER_API_URL:-https://api.render.com/v1}/services/${id}/restart"`,
          ],
        });
      }
    } else if (t.platform === "fly") {
      if (t.activation === "update-machines") {
        automatic.push(`${d.consumer} on Fly.io (machine update)`);
        continue;
      }
      out.push({
        stack,
        step: "restart",
        note: `restart ${d.consumer} (Fly app ${t.app})`,
        command: ["fly", "apps", "restart", t.app],
      });
    } else {
      if (t.activation === "redeploy") {
        automatic.push(`${d.consumer} on Railway (redeploy)`);
        continue;
      }
      const body = JSON.stringify({
        query: `mutation { serviceInstanceRedeploy(environmentId: "${t.environmentId}", serviceId: "${t.serviceId}") }`,
      });
      out.push({
        stack,
        step: "restart",
        note: `restart ${d.consumer} (Railway service ${t.serviceId})`,
        command: [
          "sh",
          "-c",
          `curl -fsS -X POST -H "Authorization: Bearer $RAILWAY_API_TOKEN" -H "Content-Type: application/json" --data '${body}' "\${RAILWAY_API_URL:-https://backboard.railway.com/graphql/v2}"`,
        ],
      });
    }
  }
  if (automatic.length > 0) {
    out.unshift({ stack, step: "info", note: `pulumi up restarts ${list(automatic)}` });
  }
  const elsewhere = RUNTIME_SERVICES.filter((s) => services.includes(s) && !covered.has(s));
  if (elsewhere.length > 0) {
    const them = elsewhere.length === 1 ? "it" : "them";
    out.push({
      stack,
      step: "manual",
      note: `restart ${list([...elsewhere])} where ${elsewhere.length === 1 ? "it runs" : "they run"} (${stack} has no platform target for ${them}, so this tool cannot restart ${them})`,
    });
  }
  return out;
}
