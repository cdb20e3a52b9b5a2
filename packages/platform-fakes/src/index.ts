/**
 * Local fake Render, Fly.io and Railway servers on 127.0.0.1 that answer like the platforms' public
 * APIs and check every request against the published contracts in the repository's `specs/`.
 */
export * from "./common";
export * from "./contract";
export * from "./fly";
export * from "./railway";
export * from "./render";
