/** The scopes of a local `.env`, and the refusal of production (guide: "Local development"). */
import { closest } from "../../model/suggest";
import { UsageError } from "../shared/usage";

/**
 * Scopes `env:local` accepts. `local`: everything developer-scoped. `staging`: the same secrets
 * (generated here or filled in by hand, never staging's), with the staging stack's plain settings
 * (public URLs, flags, tuning) so a local app can talk to staging's public endpoints.
 */
export const LOCAL_SCOPES = ["local", "staging"] as const;
export type LocalScope = (typeof LOCAL_SCOPES)[number];

/** Exact refusal of `--stack production` (guide: "production DB creds never used locally"). */
export const PRODUCTION_REFUSAL =
  'Refusing --stack production: production values are never written locally. A local .env holds developer-scoped, non-production values only (secrets-management guide, "Local development").';

/**
 * Checks the `--stack` option of `env:local`: a usage error (exit 2) for any spelling of production,
 * and for an unknown scope, each with the command to run instead.
 */
export function parseLocalScope(name: string): LocalScope {
  if (/^prod/i.test(name.trim())) {
    throw new UsageError(
      PRODUCTION_REFUSAL,
      "use --stack local (the default) or --stack staging (staging's public URLs and settings, local secrets).",
      { wrong: name, right: "local" },
    );
  }
  if ((LOCAL_SCOPES as readonly string[]).includes(name)) return name as LocalScope;
  const near = closest(name, LOCAL_SCOPES);
  throw new UsageError(
    `unknown --stack "${name}" for env:local: it takes local (the default) or staging; production values are never written locally.${near ? ` Did you mean ${near}?` : ""}`,
    near ? `use --stack ${near}.` : "use --stack local or --stack staging.",
    near ? { wrong: name, right: near } : undefined,
  );
}
