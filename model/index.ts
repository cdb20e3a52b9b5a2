export * from "./catalog";
export * from "./config";
export * from "./errors";
export * from "./model";
export * from "./deliveries";
export * from "./targets";
