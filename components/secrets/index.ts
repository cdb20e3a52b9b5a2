export * from "./databaseCredential";
export * from "./generatedSecret";
export * from "./managedSecret";
export * from "./storageHmacKey";
export * from "./emergencyAccess";
export * from "./secretEncryption";
export * from "./secretOutput";
