/**
 * The token each platform's delivery reads from the environment of `pulumi up` (DESIGN.md D6;
 * components/platforms/ read them when the provider runs). Never in config, state or output: the
 * plan names them and `doctor` checks they are present, never what they hold.
 */
export const PLATFORM_TOKENS: Record<string, { env: string; platform: string }> = {
  render: { env: "RENDER_API_KEY", platform: "Render" },
  fly: { env: "FLY_API_TOKEN", platform: "Fly.io" },
  railway: { env: "RAILWAY_API_TOKEN", platform: "Railway" },
};
