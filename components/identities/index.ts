export * from "./runtimeIdentity";
