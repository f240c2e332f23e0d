import type { Database } from "@hop/db";
import { accountRollupCtes } from "./account-rollups";
import type { ClickEvent } from "./event";
import { type ClickUtm, destinationUtm, type EnrichOptions, enrichClicks, type EnrichedClick } from "./enrich";

export interface IngestResult {
  /** New Click rows (events seen for the first time, of links that still exist). */
  inserted: number;
  /** Events already stored (replays) or repeated within the batch: counted before, changed nothing now. */
  duplicates: number;
  /** Events of links deleted for good meanwhile: nothing to count them against. */
  orphaned: number;
}

/**
 * Counts a batch of click events exactly once, in one PostgreSQL statement
 * (and so one transaction):
 * Click rows (idempotent by event id), the 15-minute ClickRollup rows of
 * every dimension (bots included, flagged), the per-day rollups (clicks and
 * unique visitors without bots, bot clicks apart) and each link's total
 * (without bots), and the per-account rollups (account-rollups.ts). Only rows inserted now feed the rollups, so a replay adds
 * nothing to them. A replayed event changes nothing; a failure commits
 * nothing. The worker calls this for each batch from the stream, and the
 * redirect for a single click when Redis is down.
 *
 * Rows are written in a fixed order (event id, then link and day, then link)
 * so that two workers committing overlapping batches wait for each other
 * instead of deadlocking.
 */
export async function ingestClickEvents(db: Database, events: readonly ClickEvent[], options: Pick<EnrichOptions, "countries"> = {}): Promise<IngestResult> {
  const unique = [...new Map(events.map((event) => [event.eventId, event])).values()].sort((a, b) =>
    a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0,
  );
  if (unique.length === 0) return { inserted: 0, duplicates: events.length, orphaned: 0 };
  // The destinations' UTM tags, read once per batch (a link's tags as they are now: seconds after the visit).
  const linkIds = [...new Set(unique.map((event) => event.linkId))];
  const links = await db.link.findMany({
    where: { id: { in: linkIds } },
    select: { id: true, url: true, utmSource: true, utmMedium: true, utmCampaign: true },
  });
  const utmByLink = new Map<string, ClickUtm>(links.map((link) => [link.id, destinationUtm(link)]));
  const clicks: EnrichedClick[] = enrichClicks(unique, { ...options, utmByLink });
  const column = <T>(pick: (click: EnrichedClick) => T) => clicks.map(pick);

  // One statement, so one implicit transaction and one round trip: the sub-statements run in the order
  // their inputs need (Click rows, then visitors, then rollups, then totals), each over sorted rows.
  const [result] = await db.$queryRaw<{ inserted: bigint; orphaned: bigint }[]>`
    WITH batch AS (
      SELECT * FROM unnest(
        ${column((c) => c.eventId)}::text[], ${column((c) => c.linkId)}::text[], ${column((c) => c.occurredAt.toISOString())}::timestamptz[],
        ${column((c) => c.referrerHost)}::text[], ${column((c) => c.country)}::text[], ${column((c) => c.device)}::text[],
        ${column((c) => c.browser)}::text[], ${column((c) => c.os)}::text[], ${column((c) => c.isBot)}::boolean[],
        ${column((c) => c.visitorHash)}::text[], ${column((c) => c.userAgent)}::text[],
        ${column((c) => c.region)}::text[], ${column((c) => c.city)}::text[], ${column((c) => c.utmSource)}::text[],
        ${column((c) => c.utmMedium)}::text[], ${column((c) => c.utmCampaign)}::text[], ${column((c) => c.trigger)}::text[]
      ) WITH ORDINALITY AS e(event_id, link_id, occurred_at, referrer_host, country, device, browser, os, is_bot, visitor_hash, user_agent,
        region, city, utm_source, utm_medium, utm_campaign, trigger, position)
    ),
    live AS (
      SELECT batch.*, l."userId" AS user_id FROM batch JOIN "Link" l ON l.id = batch.link_id
    ),
    inserted AS (
      INSERT INTO "Click" ("eventId", "linkId", "occurredAt", "referrerHost", "country", "device", "browser", "os", "isBot", "visitorHash", "userAgent",
        "region", "city", "utmSource", "utmMedium", "utmCampaign", "trigger")
      SELECT event_id, link_id, occurred_at AT TIME ZONE 'UTC', referrer_host, country, device, browser, os, is_bot, visitor_hash, user_agent,
        region, city, utm_source, utm_medium, utm_campaign, trigger
      FROM live ORDER BY position
      ON CONFLICT ("eventId") DO NOTHING
      RETURNING "linkId", "occurredAt", "occurredAt"::date AS day, "isBot", "visitorHash", "referrerHost", "country", "region", "city", "device", "browser", "os",
        "utmSource", "utmMedium", "utmCampaign", "trigger"
    ),
    dimension_rollups AS (
      INSERT INTO "ClickRollup" ("linkId", "userId", "bucket", "isBot", "country", "region", "city", "device", "browser", "os", "referrerHost",
        "utmSource", "utmMedium", "utmCampaign", "trigger", "clicks")
      SELECT i."linkId", o.user_id, date_bin('15 minutes', i."occurredAt", TIMESTAMP '2000-01-01'), i."isBot", coalesce(i.country, ''), coalesce(i.region, ''),
        coalesce(i.city, ''), coalesce(i.device, ''), coalesce(i.browser, ''), coalesce(i.os, ''), coalesce(i."referrerHost", 'direct'),
        coalesce(i."utmSource", ''), coalesce(i."utmMedium", ''), coalesce(i."utmCampaign", ''), i.trigger, count(*)
      FROM inserted i JOIN (SELECT DISTINCT link_id, user_id FROM live) o ON o.link_id = i."linkId"
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
      ORDER BY 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
      ON CONFLICT ("linkId", "bucket", "isBot", "country", "region", "city", "device", "browser", "os", "referrerHost", "utmSource", "utmMedium", "utmCampaign", "trigger")
      DO UPDATE SET "clicks" = "ClickRollup"."clicks" + excluded."clicks"
      RETURNING 1
    ),
    owned AS (
      SELECT i.*, o.user_id FROM inserted i JOIN (SELECT DISTINCT link_id, user_id FROM live) o ON o.link_id = i."linkId"
    ),
    ${accountRollupCtes("owned")},
    new_visitors AS (
      INSERT INTO "LinkDailyVisitor" ("linkId", "day", "visitorHash")
      SELECT DISTINCT "linkId", day, "visitorHash" FROM inserted WHERE NOT "isBot" ORDER BY 1, 2, 3
      ON CONFLICT DO NOTHING
      RETURNING "linkId", "day"
    ),
    counts AS (
      SELECT "linkId", day, count(*) FILTER (WHERE NOT "isBot") AS clicks, count(*) FILTER (WHERE "isBot") AS bots
      FROM inserted GROUP BY 1, 2
    ),
    uniques AS (
      SELECT "linkId", "day", count(*) AS uniques FROM new_visitors GROUP BY 1, 2
    ),
    rollups AS (
      INSERT INTO "LinkDailyStat" ("linkId", "day", "clicks", "uniqueVisitors", "botClicks")
      SELECT c."linkId", c.day, c.clicks, coalesce(u.uniques, 0), c.bots
      FROM counts c LEFT JOIN uniques u ON u."linkId" = c."linkId" AND u."day" = c.day
      ORDER BY 1, 2
      ON CONFLICT ("linkId", "day") DO UPDATE SET
        "clicks" = "LinkDailyStat"."clicks" + excluded."clicks",
        "uniqueVisitors" = "LinkDailyStat"."uniqueVisitors" + excluded."uniqueVisitors",
        "botClicks" = "LinkDailyStat"."botClicks" + excluded."botClicks"
      RETURNING 1
    ),
    totals AS (
      UPDATE "Link" SET "totalClicks" = "Link"."totalClicks" + t.clicks
      FROM (SELECT "linkId", sum(clicks)::bigint AS clicks FROM counts GROUP BY 1 HAVING sum(clicks) > 0 ORDER BY 1) t
      WHERE "Link".id = t."linkId"
      RETURNING 1
    )
    SELECT
      (SELECT count(*) FROM inserted) AS inserted,
      (SELECT count(*) FROM batch) - (SELECT count(*) FROM live) AS orphaned,
      (SELECT count(*) FROM rollups) AS rollups,
      (SELECT count(*) FROM dimension_rollups) AS dimension_rollups,
      (SELECT count(*) FROM account_buckets) + (SELECT count(*) FROM account_dimension_buckets) + (SELECT count(*) FROM account_dimension_days) + (SELECT count(*) FROM account_uniques) AS account_rollups,
      (SELECT count(*) FROM totals) AS totals`;
  const inserted = Number(result?.inserted ?? 0);
  const orphaned = Number(result?.orphaned ?? 0);
  return { inserted, duplicates: events.length - inserted - orphaned, orphaned };
}
