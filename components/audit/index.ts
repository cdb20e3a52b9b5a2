export * from "./secretAuditLogging";
