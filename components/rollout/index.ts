export * from "./readiness";
export * from "./readinessGate";
export * from "./staggered";
