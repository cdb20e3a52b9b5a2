/**
 * The checks of a stack's variable maps against the catalog (rotations, previousKeepers, sources,
 * activeUsers, plain values) and of keys nothing reads. Each problem is added to the issue list with
 * the key and the command that fixes it; `buildModel` throws them all at once.
 */
import { CatalogEntry } from "../catalog";
import { CONFIG_KEYS, PROJECT, RawConfig, SourceConfig, StackConfig } from "./config";
import { IssueList } from "./errors";
import { PATTERNS } from "./naming";
import { plainExample, plainValueProblem } from "./plainValues";
import { INITIAL_KEEPER } from "./rotation";
import { possibleExternalKeys } from "./sources";
import { didYouMean } from "./suggest";
import type { SourceKind } from "../catalog";

const sourceKindOf = (s: SourceConfig): SourceKind => s.kind;

/** Every variable map of the stack config names known variables, each where it applies. */
export function checkConfigMaps(
  catalog: CatalogEntry[],
  stack: string,
  cfg: StackConfig,
  issues: IssueList,
): void {
  const byName = new Map(catalog.map((e) => [e.name, e]));
  const known = catalog.map((e) => e.name).join(", ");

  const checkVariables = (
    mapKey: string,
    names: string[],
    allowed: (e: CatalogEntry) => string | undefined,
  ) => {
    for (const name of names) {
      const entry = byName.get(name);
      const at = `${PROJECT}:${mapKey}.${name}`;
      if (!entry) {
        issues.add(
          at,
          `unknown variable "${name}".`,
          `use one of ${known}, or remove it: pulumi config rm --path '${mapKey}.${name}' --stack ${stack}`,
        );
        continue;
      }
      const why = allowed(entry);
      if (why)
        issues.add(
          at,
          why,
          `remove it: pulumi config rm --path '${mapKey}.${name}' --stack ${stack}`,
        );
    }
  };

  // rotations / previousKeepers: known secret variables, well-formed keepers.
  for (const mapKey of ["rotations", "previousKeepers"] as const) {
    const map = cfg[mapKey];
    checkVariables(mapKey, Object.keys(map), (e) => {
      if (e.kind !== "secret")
        return `"${e.name}" is plain config, not a secret: it has no keeper.`;
      if (e.rotatesWith)
        return `"${e.name}" rotates with ${e.rotatesWith}: set the keeper of ${e.rotatesWith} instead.`;
      return undefined;
    });
    for (const [name, keeper] of Object.entries(map)) {
      if (typeof keeper !== "string" || !PATTERNS.keeper.re.test(keeper)) {
        issues.add(
          `${PROJECT}:${mapKey}.${name}`,
          `keeper "${String(keeper)}" is malformed: expected ${PATTERNS.keeper.rule}.`,
          `pulumi config set --path '${mapKey}.${name}' "$(date -u +%F).1" --stack ${stack}`,
        );
      }
    }
  }
  for (const [name, prev] of Object.entries(cfg.previousKeepers)) {
    if (prev === (cfg.rotations[name] ?? INITIAL_KEEPER)) {
      issues.add(
        `${PROJECT}:previousKeepers.${name}`,
        `equals the current keeper of ${name}; the previous value must differ.`,
        `run \`npx pegasus-secrets finalize ${name} --stack ${stack}\` or remove it: pulumi config rm --path 'previousKeepers.${name}' --stack ${stack}`,
      );
    }
  }

  // sources: a source the variable supports.
  checkVariables("sources", Object.keys(cfg.sources), (e) => {
    if (e.kind !== "secret") return `"${e.name}" is plain config: it has no source.`;
    if (e.rotatesWith)
      return `"${e.name}" takes its source from ${e.rotatesWith}: set that one instead.`;
    const kind = sourceKindOf(cfg.sources[e.name]);
    if (!e.sources.includes(kind))
      return `source "${kind}" is not supported by ${e.name}; it supports ${e.sources.join(", ")}.`;
    return undefined;
  });

  // activeUsers: only a Cloud SQL credential has two users to alternate between.
  checkVariables("activeUsers", Object.keys(cfg.activeUsers), (e) => {
    if (e.kind !== "secret") return `"${e.name}" is plain config: it has no database users.`;
    const kind = (cfg.sources[e.name] ?? { kind: e.defaultSource }).kind;
    return kind === "cloudSql"
      ? undefined
      : `"${e.name}" comes from ${kind}, not a Cloud SQL user pair: only a cloudSql source alternates users.`;
  });

  // plain: known plain variables; every plain variable without a default is required.
  checkVariables("plain", Object.keys(cfg.plain), (e) =>
    e.kind === "secret" ? `"${e.name}" is a secret and never goes in plain config.` : undefined,
  );
  for (const e of catalog) {
    if (e.kind === "plain" && e.default === undefined && cfg.plain[e.name] === undefined) {
      issues.add(
        `${PROJECT}:plain.${e.name}`,
        "is required but not set.",
        `pulumi config set --path 'plain.${e.name}' <value> --stack ${stack}`,
      );
    }
  }
  for (const [name, value] of Object.entries(cfg.plain)) {
    const entry = byName.get(name);
    const fix = (example: string) =>
      `pulumi config set --path 'plain.${name}' ${example} --stack ${stack}`;
    if (value.length > 4096) {
      issues.add(`${PROJECT}:plain.${name}`, "is longer than 4096 characters.", "shorten it.");
    } else if (entry?.kind === "plain") {
      const problem = plainValueProblem(entry, value);
      if (problem) issues.add(`${PROJECT}:plain.${name}`, problem, fix(plainExample(entry)));
    }
  }
}

/**
 * Keys of this project's namespace that the program does not read: a typo (`rotation` for
 * `rotations`) would otherwise be ignored, and the operator would believe it took effect.
 */
export function checkUnknownKeys(
  catalog: CatalogEntry[],
  stack: string,
  raw: RawConfig,
  issues: IssueList,
): void {
  const known = [...Object.keys(CONFIG_KEYS), ...possibleExternalKeys(catalog)];
  for (const full of raw.keys?.() ?? []) {
    if (!full.startsWith(`${PROJECT}:`)) continue;
    const name = full.slice(PROJECT.length + 1);
    if (known.includes(name)) continue;
    const hint = didYouMean(name, known);
    issues.add(
      full,
      `is not a key of this project, so nothing reads it.${hint}`,
      hint
        ? `rename it in Pulumi.${stack}.yaml.`
        : `remove it: pulumi config rm ${full} --stack ${stack} (README.md, "Config reference", lists every key).`,
    );
  }
}
