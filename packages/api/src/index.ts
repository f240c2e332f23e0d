import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { appRouter, type AppRouter } from "./root";
import { createCallerFactory } from "./trpc";

/** Calls procedures from server code without HTTP: `createCaller(ctx).system.instances()`. */
export const createCaller = createCallerFactory(appRouter);

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export { appRouter, type AppRouter };
export { createTRPCContext, type ApiKeyPrincipal, type CreateContextOptions, type ImportRowsContext, type SessionUser, type TRPCContext } from "./context";
export { createApiKeyContext, rateLimitHeaders, type ApiKeyContextOptions } from "./api-keys/authenticate";
export { apiDocument } from "./openapi";
export { operatorProcedure, protectedProcedure, publicProcedure, createTRPCRouter } from "./trpc";
export { isOperatorEmail, operatorEmailsSchema } from "./operators";
export { FieldError, retryAfterSecondsOf, SlugTakenError } from "./errors";
export { failAbandonedImports, failImport, runImport, importProgressSchema, ImportSourceError, type ImportProgress, type ImportRunDeps } from "./imports/run";
export type { FetchJson } from "./imports/api-source";
export { runExport, cleanUpExports, failExport, ExportRefusedError, type ExportRunDeps } from "./exports/run";
export { readExportFile } from "./exports/download";
