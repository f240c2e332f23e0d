/**
 * What the process benchmarks start from: a PostgreSQL (ephemeral: no fsync, as a
 * benchmark's throwaway data needs none) and a Redis of their own, the database
 * migrated (Hop's schema and the job queue's), and the environment Hop's web and
 * worker processes need to use them. Each part is stopped by `cleanup`.
 */
import { migrateDatabase } from "@hop/db/migrate";
import { migrateJobQueue } from "@hop/jobs";
import { type CleanupStack, startPostgresServer, startRedisServer } from "@hop/test-harness";

export async function startBenchStack(cleanup: CleanupStack, extraEnv: Record<string, string> = {}) {
  const postgres = await startPostgresServer({ ephemeral: true });
  cleanup.defer(() => postgres.stop());
  const redisServer = await startRedisServer();
  cleanup.defer(() => redisServer.dispose());
  const databaseUrl = await postgres.createDatabase("bench");
  await migrateDatabase(databaseUrl);
  await migrateJobQueue(databaseUrl);
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisServer.url,
    SESSION_SECRETS: `1:${"bench-session-secret-".repeat(2)}`,
    VISITOR_HASH_SECRET: "bench-visitor-hash-secret-0123456789abcdef",
    // Processes must log at info: the harness waits for their "ready" line.
    LOG_LEVEL: "info",
    ...extraEnv,
  };
  return { postgres, redisServer, databaseUrl, env };
}
