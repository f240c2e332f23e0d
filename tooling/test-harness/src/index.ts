export { CleanupStack, runningChildren, stopEverythingStarted, trackChild } from "./cleanup";
export { startHopProcess, type HopProcess, type HopProcessKind } from "./hop-processes";
export { freePort, waitForPort } from "./ports";
export { startPostgresServer, type PostgresServer, type PostgresServerOptions } from "./postgres-server";
export { redisPing, startRedisServer, type RedisServer, type RedisServerOptions } from "./redis-server";
export { createTestDatabase, type ProvidedPostgres } from "./test-database";
export { waitFor } from "./wait-for";
export { junkFor, junkInputs, leavesOf, objectShape, sampleAround, sampleValid, unwrap, withValueAt, type InputLeaf, type InputPath } from "./zod-inputs";
