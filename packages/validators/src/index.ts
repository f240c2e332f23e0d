export * from "./auth";
export * from "./probe";
export * from "./system";
export * from "./links";
export * from "./api";
export * from "./text";
export * from "./webhooks";
export * from "./analytics";
