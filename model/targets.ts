import { z } from "zod";
import { PLATFORM_PATTERNS } from "./naming";
import { IssueList } from "./errors";

/**
 * Consumers that run on Render, Fly.io and Railway. `mobile` never receives a secret (the guide's
 * matrix) and CI reads Secret Manager through Cloud Build, so neither has a platform target.
 */
export const PLATFORM_CONSUMERS = ["api", "worker"] as const;
export type PlatformConsumer = (typeof PLATFORM_CONSUMERS)[number];

/** The platforms a stack can deliver to. */
export const PLATFORMS = ["render", "fly", "railway"] as const;
export type Platform = (typeof PLATFORMS)[number];

/** How Render services pick up a changed env group: a new deploy (default), a restart, or nothing. */
export const RENDER_ACTIVATIONS = ["deploy", "restart", "none"] as const;
/** How Fly machines pick up new app secrets: an update with `min_secrets_version` (default), or staged only. */
export const FLY_ACTIVATIONS = ["update-machines", "stage"] as const;
/** How a Railway service picks up its variables: one explicit redeploy (default), or nothing. */
export const RAILWAY_ACTIVATIONS = ["redeploy", "none"] as const;

/** Render: one env group per consumer, named `<groupPrefix>-<consumer>`, linked to that consumer's services. */
export interface RenderTargetConfig {
  /** Workspace (owner) the env groups belong to. */
  ownerId: string;
  /** Prefix of the env-group names; default `pegasus-<secretIdPrefix>`. */
  groupPrefix: string;
  activation: (typeof RENDER_ACTIVATIONS)[number];
  /** Take over an env group of the same name that already exists (default false). */
  adopt: boolean;
  /** Render service IDs per consumer. */
  services: Partial<Record<PlatformConsumer, string[]>>;
}

/** Fly.io: the app secrets of one app per consumer. */
export interface FlyTargetConfig {
  activation: (typeof FLY_ACTIVATIONS)[number];
  /** Take over secrets of the same names that already exist on the app (default false). */
  adopt: boolean;
  /** Fly app name per consumer. */
  apps: Partial<Record<PlatformConsumer, string>>;
}

/** Railway: service-scoped variables of one service per consumer, in one project environment. */
export interface RailwayTargetConfig {
  projectId: string;
  environmentId: string;
  activation: (typeof RAILWAY_ACTIVATIONS)[number];
  /** Take over service variables of the same names that already exist (default false). */
  adopt: boolean;
  /** Railway service ID per consumer. */
  services: Partial<Record<PlatformConsumer, string>>;
}

/** Which platforms a stack feeds, and where. Any subset, including none. */
export interface TargetsConfig {
  render?: RenderTargetConfig;
  fly?: FlyTargetConfig;
  railway?: RailwayTargetConfig;
}

/** The shape of `pegasus-secrets:targets` (structure only; `validateTargets` checks the values). */
export const TARGETS_SCHEMA = z.strictObject({
  render: z
    .strictObject({
      ownerId: z.string(),
      groupPrefix: z.string().optional(),
      activation: z.enum(RENDER_ACTIVATIONS).optional(),
      adopt: z.boolean().optional(),
      services: z.record(z.string(), z.array(z.string())),
    })
    .optional(),
  fly: z
    .strictObject({
      activation: z.enum(FLY_ACTIVATIONS).optional(),
      adopt: z.boolean().optional(),
      apps: z.record(z.string(), z.string()),
    })
    .optional(),
  railway: z
    .strictObject({
      projectId: z.string(),
      environmentId: z.string(),
      activation: z.enum(RAILWAY_ACTIVATIONS).optional(),
      adopt: z.boolean().optional(),
      services: z.record(z.string(), z.string()),
    })
    .optional(),
});
export type RawTargets = z.infer<typeof TARGETS_SCHEMA>;

/** Where validation reports to and how it spells keys and fixes. */
export interface TargetsContext {
  stack: string;
  /** `pegasus-secrets:targets.render.ownerId` from `targets.render.ownerId`. */
  fullKey: (path: string) => string;
  /** The default env-group prefix comes from it. */
  secretIdPrefix: string;
  issues: IssueList;
}

const NOT_A_PLATFORM_CONSUMER: Record<string, string> = {
  mobile: "`mobile` never receives a secret (the guide's ownership matrix)",
  ci: "CI reads Secret Manager through Cloud Build; it has no Render, Fly.io or Railway target",
};

/**
 * Checks the values of `targets` (the structure is already checked by `TARGETS_SCHEMA`) and applies
 * the defaults. Every problem is added to `ctx.issues` with the command that fixes it.
 */
export function validateTargets(raw: RawTargets, ctx: TargetsContext): TargetsConfig {
  const { stack, fullKey, issues } = ctx;
  const set = (path: string, example: string) =>
    `pulumi config set --path 'targets.${path}' ${example} --stack ${stack}`;
  const rm = (path: string) => `pulumi config rm --path 'targets.${path}' --stack ${stack}`;
  const check = (
    path: string,
    value: string,
    pattern: { re: RegExp; rule: string },
    example: string,
  ) => {
    if (!pattern.re.test(value)) {
      issues.add(
        fullKey(`targets.${path}`),
        `"${value}" is not valid: expected ${pattern.rule}.`,
        set(path, example),
      );
    }
  };
  /** Keeps api/worker entries; reports every other consumer with the reason. */
  const consumers = <T>(path: string, map: Record<string, T>): [PlatformConsumer, T][] => {
    const kept: [PlatformConsumer, T][] = [];
    for (const [consumer, value] of Object.entries(map)) {
      if ((PLATFORM_CONSUMERS as readonly string[]).includes(consumer)) {
        kept.push([consumer as PlatformConsumer, value]);
        continue;
      }
      const why =
        NOT_A_PLATFORM_CONSUMER[consumer] ??
        `"${consumer}" is not a consumer that runs on a platform`;
      issues.add(
        fullKey(`targets.${path}.${consumer}`),
        `${why}; only ${PLATFORM_CONSUMERS.join(" and ")} receive platform deliveries.`,
        rm(`${path}.${consumer}`),
      );
    }
    if (Object.keys(map).length === 0) {
      issues.add(
        fullKey(`targets.${path}`),
        "names no consumer, so this target delivers nothing.",
        `${set(`${path}.api`, "<id>")}, or remove the target: ${rm(path.split(".")[0])}`,
      );
    }
    return kept;
  };
  /** The same destination for two consumers would give one service both consumers' values. */
  const distinct = (path: string, what: string, pairs: [PlatformConsumer, string][]) => {
    const seen = new Map<string, PlatformConsumer>();
    for (const [consumer, id] of pairs) {
      const other = seen.get(id);
      if (other === consumer) {
        issues.add(
          fullKey(`targets.${path}.${consumer}`),
          `lists ${what} "${id}" twice.`,
          `list each ${what} once: ${set(`${path}.${consumer}`, "<ids>")}`,
        );
      } else if (other) {
        issues.add(
          fullKey(`targets.${path}.${consumer}`),
          `${what} "${id}" is also the ${other}'s; API and worker get separate values (least privilege), so they need separate ${what}s.`,
          `give ${consumer} its own ${what}: ${set(`${path}.${consumer}`, "<id>")}`,
        );
      }
      if (!other) seen.set(id, consumer);
    }
  };

  const out: TargetsConfig = {};
  if (raw.render) {
    const r = raw.render;
    check("render.ownerId", r.ownerId, PLATFORM_PATTERNS.renderOwnerId, "tea-xxxxxxxxxxxx");
    const groupPrefix = r.groupPrefix ?? `pegasus-${ctx.secretIdPrefix}`;
    if (!PLATFORM_PATTERNS.renderGroupName.re.test(`${groupPrefix}-worker`)) {
      issues.add(
        fullKey("targets.render.groupPrefix"),
        `"${groupPrefix}" does not make valid env-group names: expected ${PLATFORM_PATTERNS.renderGroupName.rule}.`,
        set("render.groupPrefix", `pegasus-${stack}`),
      );
    }
    const services: RenderTargetConfig["services"] = {};
    const pairs: [PlatformConsumer, string][] = [];
    for (const [consumer, ids] of consumers("render.services", r.services)) {
      if (ids.length === 0) {
        issues.add(
          fullKey(`targets.render.services.${consumer}`),
          "lists no service, so the env group would reach nobody.",
          `list the ${consumer}'s Render service IDs, or ${rm(`render.services.${consumer}`)}`,
        );
      }
      ids.forEach((id, i) =>
        check(
          `render.services.${consumer}[${i}]`,
          id,
          PLATFORM_PATTERNS.renderServiceId,
          "srv-xxxxxxxxxxxx",
        ),
      );
      services[consumer] = ids;
      pairs.push(...ids.map((id): [PlatformConsumer, string] => [consumer, id]));
    }
    distinct("render.services", "Render service", pairs);
    out.render = {
      ownerId: r.ownerId,
      groupPrefix,
      activation: r.activation ?? "deploy",
      adopt: r.adopt ?? false,
      services,
    };
  }
  if (raw.fly) {
    const f = raw.fly;
    const apps: FlyTargetConfig["apps"] = {};
    const pairs: [PlatformConsumer, string][] = [];
    for (const [consumer, app] of consumers("fly.apps", f.apps)) {
      check(`fly.apps.${consumer}`, app, PLATFORM_PATTERNS.flyApp, `pegasus-${stack}-${consumer}`);
      apps[consumer] = app;
      pairs.push([consumer, app]);
    }
    distinct("fly.apps", "Fly app", pairs);
    out.fly = { activation: f.activation ?? "update-machines", adopt: f.adopt ?? false, apps };
  }
  if (raw.railway) {
    const w = raw.railway;
    const uuid = "<uuid from the Railway dashboard>";
    check("railway.projectId", w.projectId, PLATFORM_PATTERNS.railwayId, uuid);
    check("railway.environmentId", w.environmentId, PLATFORM_PATTERNS.railwayId, uuid);
    const services: RailwayTargetConfig["services"] = {};
    const pairs: [PlatformConsumer, string][] = [];
    for (const [consumer, id] of consumers("railway.services", w.services)) {
      check(`railway.services.${consumer}`, id, PLATFORM_PATTERNS.railwayId, uuid);
      services[consumer] = id;
      pairs.push([consumer, id]);
    }
    distinct("railway.services", "Railway service", pairs);
    out.railway = {
      projectId: w.projectId,
      environmentId: w.environmentId,
      activation: w.activation ?? "redeploy",
      adopt: w.adopt ?? false,
      services,
    };
  }
  return out;
}
