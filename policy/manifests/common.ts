/**
 * What every deploy-manifest linter shares: the finding it reports, the ownership matrix as the
 * lint sees it (policy/matrix.ts: the same allowed matrix the policy judges with, never the catalog
 * of the repository being linted), what a secret looks like by name, and the guide line each rule
 * enforces.
 */
import { MATRIX, matrixRow, MatrixRow } from "../matrix";

/** One problem in one file. */
export interface Finding {
  /** Path relative to the folder linted. */
  file: string;
  line: number;
  /** The variable (or manifest field) concerned. */
  variable: string;
  /** Stable rule ID, e.g. `render-secret-value`. */
  rule: string;
  message: string;
  fix: string;
  /** The guide line it breaks (docs/guide.md, verbatim); filled from {@link RULE_GUIDES} when a linter leaves it out. */
  guide?: string;
}

/** The matrix as the lint reads it. */
export interface CatalogView {
  /** Secret variables, and the `<NAME>_PREVIOUS` a signing key's previous value is delivered as. */
  secrets: Map<string, MatrixRow>;
  /** Plain variables. */
  plain: Set<string>;
}

export function catalogView(): CatalogView {
  const secrets = new Map<string, MatrixRow>();
  const plain = new Set<string>();
  for (const r of MATRIX) {
    if (r.kind === "secret") {
      secrets.set(r.variable, r);
      secrets.set(`${r.variable}_PREVIOUS`, r);
    } else plain.add(r.variable);
  }
  return { secrets, plain };
}

/** Names people give secrets that are not (yet) in the matrix. */
export const SECRET_LOOKING =
  /(SECRET|TOKEN|PASSWORD|PASSWD|PRIVATE|CREDENTIAL|API[-_]?KEY|ACCESS[-_]?KEY|AUTH|SIGNING[-_]?KEY)/i;

/**
 * Prefixes that bundle a variable into a public client build: Expo (`EXPO_PUBLIC_`), React Native
 * config (`REACT_NATIVE_`), Next.js (`NEXT_PUBLIC_`), Vite (`VITE_`).
 */
export const PUBLIC_PREFIX = /^(EXPO_PUBLIC_|REACT_NATIVE_|NEXT_PUBLIC_|VITE_)/;

/** The variable a public-prefixed name exposes, when it is a secret (by the matrix or by its name). */
export function publicSecret(name: string, cat: CatalogView): string | undefined {
  if (!PUBLIC_PREFIX.test(name)) return undefined;
  const bare = name.replace(PUBLIC_PREFIX, "");
  if (cat.secrets.has(bare)) return bare;
  if (cat.plain.has(bare)) return undefined;
  return SECRET_LOOKING.test(bare) ? bare : undefined;
}

/**
 * A value that points elsewhere rather than being the value: `$VAR`, `${VAR}`, `$$VAR`, a GitHub
 * expression (`${{ secrets.X }}`), a Cloud Build substitution, or an empty string.
 */
export const isReference = (v: string): boolean => /^\$/.test(v.trim());

/** A setting rather than a value: a boolean or a number (`persist-credentials: false`). */
export const isSetting = (v: string): boolean =>
  /^(true|false|yes|no|on|off|-?\d+(\.\d+)?)$/i.test(v.trim());

/** How Render names a secret without holding its value (render.yaml findings end with it). */
export const FIX_SYNC =
  "name it only: `- key: <NAME>` with `sync: false`, or take it from the env group pegasus-secrets manages (`- fromGroup: <group>`)";

export const GUIDE = {
  never: "1. Never hardcode secrets in source files, tests, Dockerfiles, or mobile bundles.",
  envFiles: "2. Never commit `.env` files containing real values.",
  inject: "3. Inject secrets at runtime from platform secret stores.",
  render: "- Do not place secret values in `render.yaml`; only reference variable names.",
  railway: "- Configure variables in Railway project/service settings, not in TOML files.",
  fly: "- Do not place secret literals in `fly.toml`.",
  cloudbuild: "- Source secrets from Secret Manager with IAM-bound service accounts.",
};

/** The guide line of each rule that does not name its own (a matrix rule quotes its row). */
export const RULE_GUIDES: Record<string, string> = {
  "render-secret-value": GUIDE.render,
  "render-generated-secret": GUIDE.render,
  "render-secret-unsynced": GUIDE.render,
  "render-secret-public": GUIDE.never,
  "render-wrong-group": "4. Use least privilege (separate keys for API vs worker where possible).",
  "railway-variables": GUIDE.railway,
  "manifest-secret-key": GUIDE.never,
  "fly-env-secret": GUIDE.fly,
  "cloudbuild-unknown-secret": GUIDE.cloudbuild,
  "cloudbuild-version-name": GUIDE.cloudbuild,
  "cloudbuild-wrong-secret":
    "4. Use least privilege (separate keys for API vs worker where possible).",
  "cloudbuild-not-secret-manager": GUIDE.cloudbuild,
  "cloudbuild-no-service-account": GUIDE.cloudbuild,
  "cloudbuild-undeclared-secret": GUIDE.cloudbuild,
  "cloudbuild-env-literal": GUIDE.cloudbuild,
  "secret-looking-value": GUIDE.never,
  "secret-literal": GUIDE.never,
  "secret-assignment": GUIDE.never,
  "dockerfile-secret": GUIDE.never,
  "dockerfile-env-file": GUIDE.envFiles,
  "compose-secret-value": GUIDE.never,
  "compose-build-arg-secret": GUIDE.never,
  "mobile-secret": GUIDE.never,
  "public-prefixed-secret": GUIDE.never,
  "env-file-secret-value": GUIDE.envFiles,
  "workflow-secret-literal": GUIDE.inject,
  "stack-file-plain-secret": GUIDE.inject,
  "invalid-manifest": GUIDE.never,
  "unreadable-file": GUIDE.never,
};

/** The guide row of a variable's matrix entry, for a finding about who may have it. */
export const rowGuide = (name: string): string | undefined => matrixRow(name)?.guide[0];
