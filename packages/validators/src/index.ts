export * from "./auth";
export * from "./probe";
export * from "./system";
export * from "./links";
export * from "./text";
