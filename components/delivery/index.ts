export * from "./adapter";
export * from "./client";
export * from "./component";
export * from "./provider";
export * from "./state";
export * from "./wire";
