/**
 * The release step, run once per deploy before new instances start (never
 * by a web or worker process): Hop's schema migrations, then the job
 * queue's. Safe to run twice or from two places at once.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadEnvOrExit } from "@hop/config";
import { databaseEnvSchema } from "@hop/db";
import { migrateDatabase } from "@hop/db/migrate";
import { migrateJobQueue } from "@hop/jobs";
import { createLogger } from "@hop/logger";

const env = loadEnvOrExit("release", databaseEnvSchema);
const log = createLogger("release");
// The bundle (dist/main.js) carries a copy of the migrations beside it; from source they are read in packages/db.
const bundledMigrations = fileURLToPath(new URL("./migrations/", import.meta.url));

try {
  const result = existsSync(bundledMigrations)
    ? await migrateDatabase(env.DATABASE_URL, (line) => log.info(line), bundledMigrations)
    : await migrateDatabase(env.DATABASE_URL, (line) => log.info(line));
  await migrateJobQueue(env.DATABASE_URL);
  log.info({ applied: result.applied, alreadyApplied: result.alreadyApplied.length }, `database is up to date (${result.applied.length} migration(s) applied)`);
} catch (error) {
  log.error({ err: error instanceof Error ? error.message : String(error) }, "migration failed");
  process.exit(1);
}
