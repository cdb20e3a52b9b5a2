export * from "./notificationChannels";
export * from "./rotationDueAlert";
export * from "./unexpectedAccessAlert";
