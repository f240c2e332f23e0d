import type { Database } from "@hop/db";

/** How much of the delivery log is kept (WEBHOOK_LOG_RETENTION_DAYS, WEBHOOK_LOG_KEEP_PER_ENDPOINT). */
export interface DeliveryLogLimits {
  /** Finished deliveries older than this many days go. */
  retentionDays: number;
  /** Of each endpoint's finished deliveries, only the newest this many stay. */
  keepPerEndpoint: number;
}

const deleteChunk = 5_000;

/**
 * Deletes finished deliveries (succeeded or failed for good) older than the
 * retention period or beyond the newest `keepPerEndpoint` of their endpoint,
 * in chunks so that no transaction grows large. A delivery still PENDING is
 * never touched: its next attempt's job reads it. Returns how many went.
 */
export async function pruneWebhookDeliveries(db: Database, limits: DeliveryLogLimits, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - limits.retentionDays * 86_400_000);
  let deleted = 0;
  for (;;) {
    const count = await db.$executeRaw`
      DELETE FROM "WebhookDelivery" WHERE id IN (
        SELECT id FROM (
          SELECT id, "createdAt", row_number() OVER (PARTITION BY "endpointId" ORDER BY "createdAt" DESC, id DESC) AS newest
          FROM "WebhookDelivery" WHERE status <> 'PENDING'
        ) finished
        WHERE "createdAt" < (${cutoff.toISOString()}::timestamptz AT TIME ZONE 'UTC') OR newest > ${limits.keepPerEndpoint}
        LIMIT ${deleteChunk}
      )`;
    deleted += count;
    if (count < deleteChunk) return deleted;
  }
}
