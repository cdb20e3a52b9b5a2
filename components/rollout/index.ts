export * from "./readinessGate";
export * from "./staggered";
