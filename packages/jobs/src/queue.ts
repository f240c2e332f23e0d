import type { QueueStats } from "@hop/validators";
import { Logger, runMigrations } from "graphile-worker";
import type { Queryable } from "./enqueue";

/** Installs or upgrades the job queue's own schema (graphile_worker); part of the release step. */
export async function migrateJobQueue(databaseUrl: string): Promise<void> {
  // graphile-worker's default logger prints plain text; the release step reports on its own.
  await runMigrations({ connectionString: databaseUrl, logger: new Logger(() => () => undefined) });
}

/** Queued, running and failed job counts, in one query over the queue's view. */
export async function readQueueStats(db: Queryable): Promise<QueueStats> {
  const rows = await db.$queryRaw<{ queued: bigint; running: bigint; failed: bigint }[]>`
    SELECT
      count(*) FILTER (WHERE locked_at IS NULL AND attempts < max_attempts) AS queued,
      count(*) FILTER (WHERE locked_at IS NOT NULL) AS running,
      count(*) FILTER (WHERE locked_at IS NULL AND attempts >= max_attempts) AS failed
    FROM graphile_worker.jobs`;
  const row = rows[0];
  return { queued: Number(row?.queued ?? 0), running: Number(row?.running ?? 0), failed: Number(row?.failed ?? 0) };
}
