import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

export const migrationsDir = fileURLToPath(new URL("../prisma/migrations", import.meta.url));

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

/**
 * Applies Prisma-format migrations (prisma/migrations/<name>/migration.sql)
 * in order, each in its own transaction, and records them in
 * `_prisma_migrations` exactly as `prisma migrate deploy` does, so either tool
 * can take over from the other. Ours exists because the Prisma CLI needs a
 * native schema engine downloaded from Prisma's CDN, which many build and CI
 * machines cannot reach.
 *
 * Safe to run from several release jobs at once: an advisory lock makes them
 * take turns, and the second finds nothing left to do.
 */
export async function migrateDatabase(
  databaseUrl: string,
  log: (line: string) => void = () => undefined,
  fromDir: string = migrationsDir,
): Promise<MigrationResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [advisoryLockKey]);
    await client.query(createMigrationsTable);
    const recorded = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"',
    );
    const done = new Map(recorded.rows.filter((row) => row.finished_at && !row.rolled_back_at).map((row) => [row.migration_name, row.checksum]));
    const failed = recorded.rows.find((row) => !row.finished_at && !row.rolled_back_at);
    if (failed) {
      throw new Error(`migration ${failed.migration_name} failed earlier and was not rolled back: fix the database, then mark it rolled back`);
    }

    const result: MigrationResult = { applied: [], alreadyApplied: [] };
    for (const migration of listMigrations(fromDir)) {
      const checksum = createHash("sha256").update(migration.sql).digest("hex");
      const appliedChecksum = done.get(migration.name);
      if (appliedChecksum !== undefined) {
        if (appliedChecksum !== checksum) {
          throw new Error(`migration ${migration.name} was changed after it was applied: add a new migration instead of editing it`);
        }
        result.alreadyApplied.push(migration.name);
        continue;
      }
      log(`applying migration ${migration.name}`);
      await client.query("BEGIN");
      try {
        const id = randomUUID();
        await client.query('INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)', [
          id,
          checksum,
          migration.name,
        ]);
        await client.query(migration.sql);
        await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${migration.name} failed and was rolled back: ${error instanceof Error ? error.message : String(error)}`);
      }
      result.applied.push(migration.name);
    }
    return result;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [advisoryLockKey]).catch(() => undefined);
    await client.end();
  }
}

interface Migration {
  name: string;
  sql: string;
}

function listMigrations(dir: string): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name, "migration.sql"), "utf8") }));
}

// Any fixed 64-bit number; it names "Hop's migrations" among advisory locks.
const advisoryLockKey = 7_283_114_001;

// The table exactly as Prisma's schema engine creates it.
const createMigrationsTable = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;
