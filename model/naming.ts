import { createHash } from "crypto";

/** Stable 8-hex-digit hash of a key, for per-item logical names that survive reordering. */
export const shortHash = (key: string): string =>
  createHash("sha256").update(key).digest("hex").slice(0, 8);

/** `OPENAI_API_KEY` -> `openai-api-key`: logical names and secret IDs are kebab-case (D8). */
export const kebab = (envName: string): string => envName.toLowerCase().replace(/_/g, "-");

/** `OPENAI_API_KEY` -> `openaiApiKey`: config keys are lowerCamel (STYLE 3.5). */
export const lowerCamel = (envName: string): string =>
  envName
    .toLowerCase()
    .split("_")
    .map((part, i) => (i === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join("");

/** Patterns of physical names and identifiers, each with the rule spelled out for error messages. */
export const PATTERNS = {
  envName: { re: /^[A-Z][A-Z0-9_]*$/, rule: "upper-case letters, digits and underscores" },
  gcpProject: {
    re: /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
    rule: "6 to 30 characters: lower-case letters, digits and hyphens, starting with a letter",
  },
  serviceAccountId: {
    re: /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
    rule: "6 to 30 characters: lower-case letters, digits and hyphens, starting with a letter",
  },
  serviceAccountEmail: {
    // User-managed accounts, plus the legacy Cloud Build and default compute accounts CI may run as.
    re: /^([a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com|[0-9]{6,20}@cloudbuild\.gserviceaccount\.com|[0-9]{6,20}-compute@developer\.gserviceaccount\.com)$/,
    rule: "a service-account email such as name@project-id.iam.gserviceaccount.com",
  },
  secretId: {
    re: /^[A-Za-z0-9_-]{1,255}$/,
    rule: "1 to 255 letters, digits, hyphens or underscores",
  },
  secretIdPrefix: {
    re: /^[a-z][a-z0-9-]{0,19}$/,
    rule: "1 to 20 lower-case letters, digits and hyphens, starting with a letter",
  },
  label: {
    re: /^[a-z][a-z0-9_-]{0,62}$/,
    rule: "1 to 63 lower-case letters, digits, underscores and hyphens, starting with a letter",
  },
  labelValue: {
    re: /^[a-z0-9_-]{0,63}$/,
    rule: "at most 63 lower-case letters, digits, underscores and hyphens",
  },
  keeper: {
    re: /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/,
    rule: "1 to 64 letters, digits, dots, colons, underscores or hyphens, starting with a letter or digit",
  },
  location: { re: /^[a-z]+-[a-z]+[0-9]$/, rule: "a GCP region such as europe-west1" },
} as const;

/**
 * Identifiers of the platforms the stack delivers to, each with its rule spelled out for error
 * messages. The config validation (`model/targets.ts`) and the platform components use the same
 * patterns, so a value the config accepts is one the component accepts.
 *
 * The exact shapes of Render and Railway IDs are not specified by their API contracts
 * (specs/PLATFORM_APIS.md); these patterns follow the IDs both dashboards show and stay loose on
 * length, so a real ID is never refused while a pasted name or URL is.
 */
export const PLATFORM_PATTERNS = {
  renderOwnerId: {
    re: /^(tea|usr)-[a-z0-9]{4,64}$/,
    rule: "a Render workspace ID such as tea-abc123 (or usr-... for a personal account)",
  },
  renderServiceId: {
    re: /^(srv|crn)-[a-z0-9]{4,64}$/,
    rule: "a Render service ID such as srv-abc123",
  },
  renderGroupName: {
    re: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/,
    rule: "1 to 100 letters, digits, dots, underscores or hyphens, starting with a letter or digit",
  },
  flyApp: {
    re: /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
    rule: "a Fly.io app name: 1 to 63 lower-case letters, digits and hyphens",
  },
  railwayId: {
    re: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    rule: "a Railway ID (a lower-case UUID such as 3f2c1a7e-0000-4000-8000-000000000000)",
  },
  /** Environment variable names every platform accepts (Fly's secret names are the strictest). */
  envKey: {
    re: /^[A-Z_][A-Z0-9_]{0,127}$/,
    rule: "upper-case letters, digits and underscores, not starting with a digit",
  },
} as const;

/** The IAM member of a service account: the one spelling the model, the components and the policy share. */
export const serviceAccountMember = (email: string): string => `serviceAccount:${email}`;
