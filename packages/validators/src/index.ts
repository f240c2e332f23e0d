export * from "./probe";
export * from "./system";
