export * from "./declare";
export * from "./fly";
export * from "./flyAdapter";
export * from "../../model/naming";
export * from "./railway";
export * from "./railwayAdapter";
export * from "./render";
export * from "./renderAdapter";
