export * from "./rotationNotifications";
