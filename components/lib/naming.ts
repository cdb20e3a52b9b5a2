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
