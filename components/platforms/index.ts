export * from "./declare";
export * from "./fly";
export * from "../../model/naming";
export * from "./railway";
export * from "./render";
