export * from "./declare";
export * from "./envGroupArgs";
export * from "./flyAppSecrets";
export * from "./patterns";
export * from "./railwayVariables";
export * from "./renderEnvGroup";
