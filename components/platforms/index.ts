export * from "./declare";
export * from "./envGroupArgs";
export * from "./flyAppSecrets";
export * from "../../model/naming";
export * from "./railwayVariables";
export * from "./renderEnvGroup";
