export * from "./readinessCheck";
export * from "./readinessGate";
export * from "./staggered";
