export * from "./order";
export * from "./readiness";
export * from "./readinessGate";
export * from "./staggered";
