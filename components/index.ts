export * from "./audit";
export * from "./identities";
export * from "./rotation";
export * from "./secrets";
