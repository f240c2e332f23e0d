import { type Database, Prisma, queryRawOnPool } from "@hop/db";
import { enqueueJob } from "@hop/jobs";
import { queueDelivery } from "./emit";

/** How long clicks gather before an endpoint's link.clicked delivery goes: at most one delivery per second per endpoint. */
export const clickBatchWindowMs = 1000;
/** Clicks per link.clicked delivery at most; more wait for the next one, a second later. */
export const maxClicksPerDelivery = 1000;

/**
 * After the click ingestion counted a batch (before it acknowledges it): marks
 * the batch's clicks as pending for every enabled endpoint of their links'
 * owners that wants link.clicked, and adds each such endpoint's send job
 * keyed per endpoint with `preserve_run_at`, so every click of the next second
 * joins the one job already waiting. One statement; with no endpoint it
 * inserts nothing. A batch replayed after a crash adds no click twice while
 * it is still pending.
 */
export async function queueClickWebhooks(db: Database, eventIds: readonly string[]): Promise<number> {
  if (eventIds.length === 0) return 0;
  // On the pool: Prisma's raw path turns the thousand event ids into JSON and back (queryRawOnPool).
  const rows = await queryRawOnPool<{ endpoints: bigint | string }>(
    db,
    Prisma.sql`
    WITH pending AS (
      INSERT INTO "WebhookPendingClick" ("endpointId", "clickId")
      SELECT e.id, c.id
      FROM "Click" c
      JOIN "Link" l ON l.id = c."linkId"
      JOIN "WebhookEndpoint" e ON e."userId" = l."userId" AND e."disabledAt" IS NULL AND 'link.clicked' = ANY(e.events)
      WHERE c."eventId" = ANY(${[...eventIds]}::text[])
        -- Uncorrelated, so PostgreSQL checks it once first: with no endpoint wanting clicks, it looks up no click at all.
        AND EXISTS (SELECT FROM "WebhookEndpoint" WHERE "disabledAt" IS NULL AND 'link.clicked' = ANY(events))
      ORDER BY 1, 2
      ON CONFLICT DO NOTHING
      RETURNING "endpointId"
    ),
    jobs AS (
      SELECT graphile_worker.add_job(
        identifier => 'webhook.sendClicks',
        payload => json_build_object('endpointId', id),
        run_at => now() + make_interval(secs => ${clickBatchWindowMs / 1000}),
        job_key => 'webhook.sendClicks:' || id,
        job_key_mode => 'preserve_run_at'
      )
      FROM (SELECT DISTINCT "endpointId" AS id FROM pending) endpoints
    )
    SELECT count(*) AS endpoints FROM jobs`,
  );
  return Number(rows[0]?.endpoints ?? 0);
}

interface PendingClickRow {
  id: bigint;
  eventId: string;
  linkId: string;
  slug: string;
  occurredAt: Date;
  referrerHost: string | null;
  country: string | null;
  device: string | null;
  browser: string | null;
  os: string | null;
  isBot: boolean;
}

/**
 * Takes up to `maxClicksPerDelivery` of an endpoint's pending clicks and turns
 * them into one link.clicked delivery, in one transaction: a click leaves the
 * pending set exactly when the delivery that carries it exists. Returns the
 * number of clicks sent; more waiting get another job a window later.
 */
export async function sendPendingClicks(db: Database, endpointId: string): Promise<number> {
  return db.$transaction(async (tx) => {
    const endpoint = await tx.webhookEndpoint.findUnique({ where: { id: endpointId }, select: { disabledAt: true } });
    if (!endpoint) return 0;
    if (endpoint.disabledAt) {
      // A disabled endpoint gets nothing: its pending clicks are dropped, not piled up.
      await tx.webhookPendingClick.deleteMany({ where: { endpointId } });
      return 0;
    }
    const taken = await tx.$queryRaw<{ clickId: bigint }[]>`
      DELETE FROM "WebhookPendingClick" p
      USING (
        SELECT "clickId" FROM "WebhookPendingClick" WHERE "endpointId" = ${endpointId}
        ORDER BY "clickId" LIMIT ${maxClicksPerDelivery} FOR UPDATE SKIP LOCKED
      ) picked
      WHERE p."endpointId" = ${endpointId} AND p."clickId" = picked."clickId"
      RETURNING p."clickId"`;
    if (taken.length === 0) return 0;
    const clicks = await tx.$queryRaw<PendingClickRow[]>`
      SELECT c.id, c."eventId", c."linkId", l.slug, c."occurredAt", c."referrerHost", c.country, c.device, c.browser, c.os, c."isBot"
      FROM "Click" c JOIN "Link" l ON l.id = c."linkId"
      WHERE c.id = ANY(${taken.map((row) => row.clickId)}::bigint[])
      ORDER BY c.id`;
    const data = {
      clicks: clicks.map(({ id: _id, occurredAt, ...click }) => ({ ...click, occurredAt: occurredAt.toISOString() })),
    };
    if (clicks.length > 0) await queueDelivery(tx, endpointId, "link.clicked", data);
    if (taken.length === maxClicksPerDelivery) {
      await enqueueJob(tx, "webhook.sendClicks", { endpointId }, { runAt: new Date(Date.now() + clickBatchWindowMs) });
    }
    return clicks.length;
  });
}
