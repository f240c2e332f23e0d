export { createDatabase, type Database, type DatabaseOptions, preparedStatement, preparedStatementNameOf, queryRawOnPool } from "./client";
export { databaseEnvSchema, type DatabaseEnv } from "./env";
export { Prisma } from "./generated/prisma/client";
export type * from "./generated/prisma/models";
export * from "./generated/prisma/enums";
