/**
 * Identifiers of the platforms the stack delivers to, each with its rule spelled out for error
 * messages. Pure (no Pulumi import): the config validation in `model/config.ts` and the components
 * use the same patterns, so a value the config accepts is one the component accepts.
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
