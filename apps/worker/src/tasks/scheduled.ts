import { removeIdleClickConsumers, trimAcknowledgedClicks } from "@hop/clicks";
import type { Database } from "@hop/db";
import type { JobName } from "@hop/jobs";
import type { Redis } from "@hop/redis";
import { parseCronItems } from "graphile-worker";

/**
 * The scheduled jobs. graphile-worker's cron enqueues each tick once for the
 * whole cluster (the tick is claimed in PostgreSQL by whichever worker gets
 * there first), so however many workers run, each job runs once per tick.
 * (Items as objects: the crontab text format allows no dots in task names.)
 */
export const cronItems = parseCronItems(
  (
    [
      // Every minute: links whose expiry passed are marked expired.
      { match: "* * * * *", task: "links.markExpired" },
      // Every minute: the clicks stream loses what every worker has acknowledged.
      { match: "* * * * *", task: "clicks.trimStream" },
      // Hourly: raw clicks past the retention period go; the daily rollups stay.
      { match: "17 * * * *", task: "clicks.deleteOld" },
      // Every 10 minutes: accounts past their deletion date are deleted with everything of theirs.
      { match: "*/10 * * * *", task: "accounts.purgeDue" },
      // Hourly: the webhook delivery log keeps WEBHOOK_LOG_RETENTION_DAYS and at most WEBHOOK_LOG_KEEP_PER_ENDPOINT per endpoint.
      { match: "41 * * * *", task: "webhook.pruneDeliveries" },
      // Every 10 minutes: imports left RUNNING by a job whose attempts are used up are marked FAILED with the reason.
      { match: "*/10 * * * *", task: "imports.failAbandoned" },
      // Every 10 minutes: expired exports go with their files; a stalled one is failed.
      { match: "*/10 * * * *", task: "exports.cleanUp" },
      // Every 10 minutes: closed UTC days of clicks compacted for filtered dashboards (and days a late click reopened).
      { match: "*/10 * * * *", task: "analytics.compact" },
    ] satisfies Array<{ match: string; task: JobName }>
  ).map((item) => ({ ...item, identifier: item.task })),
);

/**
 * Sets expiredAt on links whose expiresAt has passed, and clears it on links
 * whose expiry was moved into the future or removed. Both use an index.
 */
export async function markExpiredLinks(db: Database): Promise<{ expired: number; revived: number }> {
  const expired = await db.$executeRaw`
    UPDATE "Link" SET "expiredAt" = "expiresAt" WHERE "expiredAt" IS NULL AND "expiresAt" <= now()`;
  const revived = await db.$executeRaw`
    UPDATE "Link" SET "expiredAt" = NULL WHERE "expiredAt" IS NOT NULL AND ("expiresAt" IS NULL OR "expiresAt" > now())`;
  return { expired, revived };
}

const deleteChunk = 10_000;

/**
 * Deletes raw clicks (and the per-day visitor sets that deduplicate unique
 * visitors) older than the retention period, in chunks of 10,000 rows so that
 * no transaction grows large. LinkDailyStat, the rollups every count comes
 * from, and Link.totalClicks are never touched.
 */
export async function deleteOldClicks(
  db: Database,
  retentionDays: number,
  now = new Date(),
): Promise<{ clicks: number; visitorDays: number; accountVisitorDays: number }> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  let clicks = 0;
  for (;;) {
    const deleted = await db.$executeRaw`
      DELETE FROM "Click" WHERE id IN (SELECT id FROM "Click" WHERE "occurredAt" < (${cutoff.toISOString()}::timestamptz AT TIME ZONE 'UTC') LIMIT ${deleteChunk})`;
    clicks += deleted;
    if (deleted < deleteChunk) break;
  }
  let visitorDays = 0;
  const cutoffDay = cutoff.toISOString().slice(0, 10);
  for (;;) {
    const deleted = await db.$executeRaw`
      DELETE FROM "LinkDailyVisitor" WHERE ctid IN (SELECT ctid FROM "LinkDailyVisitor" WHERE "day" < ${cutoffDay}::date LIMIT ${deleteChunk})`;
    visitorDays += deleted;
    if (deleted < deleteChunk) break;
  }
  // The account's visitor days go too; AccountDailyUniques, their counts, stay like the other rollups.
  let accountVisitorDays = 0;
  for (;;) {
    const deleted = await db.$executeRaw`
      DELETE FROM "AccountDailyVisitor" WHERE ctid IN (SELECT ctid FROM "AccountDailyVisitor" WHERE "day" < ${cutoffDay}::date LIMIT ${deleteChunk})`;
    accountVisitorDays += deleted;
    if (deleted < deleteChunk) break;
  }
  return { clicks, visitorDays, accountVisitorDays };
}

/** Consumers (workers gone) with nothing pending are forgotten after an hour of silence. */
const consumerForgetMs = 3_600_000;

/** Trims the clicks stream of acknowledged entries and forgets long-gone consumers. */
export async function trimClickStream(redis: Redis): Promise<{ trimmed: number; consumersRemoved: number }> {
  const trimmed = await trimAcknowledgedClicks(redis);
  const removed = await removeIdleClickConsumers(redis, consumerForgetMs);
  return { trimmed, consumersRemoved: removed.length };
}
