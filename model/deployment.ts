/**
 * Where a `pulumi up` runs, and whether it may (DESIGN.md D10: production is applied by CI only,
 * except a recorded break-glass). Pure: `stacks/config.ts` reads the environment and the freeze
 * marker; this file decides. The guard is a guard against mistakes, not a security boundary: the
 * boundary is that only the deploy identity may decrypt production's values (operators seal new
 * ones with encrypt rights only: model/sealedValues.ts, README "First deploy: checklist", step 7).
 */
import YAML from "yaml";

/** The deploy freeze marker (`operations/FREEZE`, guide break-glass step 1). */
export interface Freeze {
  since: string;
  operator: string;
  incident: string | null;
  reason: string | null;
}

/** Where the freeze marker lives, relative to the project. */
export const FREEZE_PATH = "operations/FREEZE";

/** The freeze a marker's text describes. An unreadable marker still freezes: it exists. */
export function parseFreeze(text: string): Freeze {
  let data: Partial<Record<keyof Freeze, unknown>> = {};
  try {
    data = (YAML.parse(text) as typeof data) ?? {};
  } catch {
    data = {};
  }
  const s = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
  return {
    since: s(data.since) ?? "unknown",
    operator: s(data.operator) ?? "unknown",
    incident: s(data.incident),
    reason: s(data.reason),
  };
}

/** What the program knows about the run it is part of. */
export interface Deployment {
  /** A real `pulumi up`: not a preview, and not the offline plan or tests under runtime mocks. */
  applying: boolean;
  /** The GitHub Actions run applying it, or null outside GitHub Actions. */
  ci: { workflow: string; runId: string } | null;
  /** The incident named by `PEGASUS_BREAK_GLASS`, when an operator or workflow breaks glass. */
  breakGlassIncident: string | null;
  /** The freeze in force, or null. */
  freeze: Freeze | null;
}

/** The environment variable that names the incident of a break-glass `pulumi up`. */
export const BREAK_GLASS_ENV = "PEGASUS_BREAK_GLASS";

/**
 * The run an environment describes: GitHub Actions sets GITHUB_ACTIONS and GITHUB_RUN_ID for every
 * job; `freezeText` is the freeze marker's content, or null when there is none.
 */
export function deploymentOf(
  env: Record<string, string | undefined>,
  freezeText: string | null,
  applying: boolean,
): Deployment {
  return {
    applying,
    ci:
      env.GITHUB_ACTIONS === "true" && env.GITHUB_RUN_ID
        ? { workflow: env.GITHUB_WORKFLOW ?? "", runId: env.GITHUB_RUN_ID }
        : null,
    breakGlassIncident: env[BREAK_GLASS_ENV]?.trim() || null,
    freeze: freezeText === null ? null : parseFreeze(freezeText),
  };
}

/**
 * Why this `pulumi up` of `stack` must not run, or undefined. Production is applied by CI; during
 * a freeze only a break-glass run for the freeze's own incident applies, in CI or, recorded by
 * `pegasus-secrets break-glass`, from an operator's machine.
 */
export function applyRefusal(stack: string, d: Deployment): string | undefined {
  if (!d.applying || stack !== "production") return undefined;
  const incident = d.breakGlassIncident;
  const open = d.freeze !== null && incident !== null && d.freeze.incident === incident;
  if (incident !== null && !open) {
    return `Refusing pulumi up --stack production: ${BREAK_GLASS_ENV}=${incident} names no open incident (${d.freeze ? `the freeze in force is for ${d.freeze.incident ?? "no incident"}` : `no freeze is in force: ${FREEZE_PATH} does not exist`}). Break glass first: npx pegasus-secrets break-glass <VARIABLE> --operator <you> --incident ${incident}, commit and push ${FREEZE_PATH}.`;
  }
  if (open) return undefined;
  if (d.freeze !== null) {
    return `Refusing pulumi up --stack production: deploys are frozen since ${d.freeze.since}${d.freeze.incident ? ` for incident ${d.freeze.incident}` : ""} (${FREEZE_PATH}). Only a break-glass run for that incident applies now (the break-glass workflow with its incident ID); otherwise lift the freeze first: npx pegasus-secrets lift-freeze --operator <you>.`;
  }
  if (d.ci === null) {
    return "Refusing pulumi up --stack production outside CI: production credentials are never used on a workstation (secrets-management guide). Push the change to main: the push workflow applies staging, then production behind its GitHub environment approval. During an incident, run the break-glass workflow with its incident ID.";
  }
  return undefined;
}
