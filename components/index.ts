export * from "./audit";
export * from "./delivery";
export * from "./identities";
export * from "./platforms";
export * from "./rollout";
export * from "./rotation";
export * from "./secrets";
export * from "./monitoring";
