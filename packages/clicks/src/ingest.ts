import type { Database, Prisma } from "@hop/db";
import type { ClickEvent } from "./event";
import { type RollupDeltas, rollupDeltas } from "./rollup-deltas";
import { visitorHash } from "./visitor-hash";
import { type ClickUtm, destinationUtm, type EnrichOptions, enrichClicks } from "./enrich";

export interface IngestResult {
  /** New Click rows (events seen for the first time, of links that still exist). */
  inserted: number;
  /** Events already stored (replays) or repeated within the batch: counted before, changed nothing now. */
  duplicates: number;
  /** Events of links deleted for good meanwhile: nothing to count them against. */
  orphaned: number;
}

/**
 * Counts a batch of click events exactly once, in one transaction:
 * Click rows (idempotent by event id), the 15-minute ClickRollup rows of
 * every dimension (bots included, flagged), the per-day rollups (clicks and
 * unique visitors without bots, bot clicks apart) and each link's total
 * (without bots), and the per-account rollups (the tables of
 * account-rollups.ts). Only rows inserted now feed the rollups, so a replay
 * adds nothing to them. A replayed event changes nothing; a failure commits
 * nothing. The worker calls this for each batch from the stream, and the
 * redirect for a single click when Redis is down.
 *
 * Rows are written in a fixed order (event id, then each rollup's key) so
 * that two workers committing overlapping batches wait for each other
 * instead of deadlocking.
 */
export interface IngestOptions extends Pick<EnrichOptions, "countries"> {
  /** VISITOR_HASH_SECRET: hashes the visitor of every event that comes without a hash (the redirect's, since the hash moved here). */
  visitorHashSecret?: string;
}

/** Each event with its visitor hash: its own, or computed for the click's own UTC day (not the ingestion's). */
function withVisitorHashes(events: ClickEvent[], secret: string | undefined): (ClickEvent & { visitorHash: string })[] {
  return events.map((event) => {
    if (event.visitorHash) return { ...event, visitorHash: event.visitorHash };
    if (secret === undefined) throw new Error(`click ${event.eventId} has no visitor hash and no VISITOR_HASH_SECRET was given to compute it`);
    // "unknown": what the redirect records when the socket has no address.
    return { ...event, visitorHash: visitorHash(secret, event.ip ?? "unknown", event.userAgent, event.occurredAt) };
  });
}

/** A list of rows as one JSON parameter: one string for the driver to pass, where 17 arrays of 1,000 values cost far more in Prisma (docs/benchmarks.md). */
const json = (rows: unknown[]) => JSON.stringify(rows);

export async function ingestClickEvents(db: Database, events: readonly ClickEvent[], options: IngestOptions = {}): Promise<IngestResult> {
  const deduplicated = [...new Map(events.map((event) => [event.eventId, event])).values()].sort((a, b) =>
    a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0,
  );
  if (deduplicated.length === 0) return { inserted: 0, duplicates: events.length, orphaned: 0 };
  const unique = withVisitorHashes(deduplicated, options.visitorHashSecret);
  // The links of the batch, read once: their owners (the account rollups' key) and destinations' UTM tags (a link's tags as
  // they are now: seconds after the visit). Events of links deleted for good meanwhile have nothing to count against.
  const linkIds = [...new Set(unique.map((event) => event.linkId))];
  const links = await db.link.findMany({
    where: { id: { in: linkIds } },
    select: { id: true, userId: true, url: true, utmSource: true, utmMedium: true, utmCampaign: true },
  });
  const ownerOf = new Map(links.map((link) => [link.id, link.userId]));
  const utmByLink = new Map<string, ClickUtm>(links.map((link) => [link.id, destinationUtm(link)]));
  const live = unique.filter((event) => ownerOf.has(event.linkId));
  if (live.length === 0) return { inserted: 0, duplicates: events.length - unique.length, orphaned: unique.length };
  const clicks = enrichClicks(live, { ...(options.countries ? { countries: options.countries } : {}), utmByLink });
  const rows = clicks.map((c) => [
    c.eventId,
    c.linkId,
    c.occurredAt.toISOString(),
    c.referrerHost,
    c.country,
    c.device,
    c.browser,
    c.os,
    c.isBot,
    c.visitorHash,
    c.userAgent,
    c.region,
    c.city,
    c.utmSource,
    c.utmMedium,
    c.utmCampaign,
    c.trigger,
  ]);

  // Two statements in one transaction: the Click rows first, then the rollups of exactly the rows that insert stored (by
  // event id: a replayed or concurrently stored event is not among them, so it counts nowhere twice), added up in JS
  // (rollup-deltas.ts). Each statement writes its rows in key order, so two workers' transactions queue instead of deadlocking.
  const { stored, joined } = await db.$transaction(async (tx) => {
    // The join drops events of a link deleted since it was read above (they count as orphaned, not as a failed batch).
    const [insert] = await tx.$queryRaw<{ joined: bigint; stored: string[] }[]>`
      WITH batch AS (
        SELECT r->>0 AS event_id, r->>1 AS link_id, (r->>2)::timestamptz AS occurred_at, r->>3 AS referrer_host, r->>4 AS country,
          r->>5 AS device, r->>6 AS browser, r->>7 AS os, (r->>8)::boolean AS is_bot, r->>9 AS visitor_hash, r->>10 AS user_agent,
          r->>11 AS region, r->>12 AS city, r->>13 AS utm_source, r->>14 AS utm_medium, r->>15 AS utm_campaign, r->>16 AS trigger, position
        FROM json_array_elements(${json(rows)}::json) WITH ORDINALITY AS e(r, position)
      ),
      live AS (
        SELECT batch.* FROM batch JOIN "Link" l ON l.id = batch.link_id
      ),
      inserted AS (
        INSERT INTO "Click" ("eventId", "linkId", "occurredAt", "referrerHost", "country", "device", "browser", "os", "isBot", "visitorHash", "userAgent",
          "region", "city", "utmSource", "utmMedium", "utmCampaign", "trigger")
        SELECT event_id, link_id, occurred_at AT TIME ZONE 'UTC', referrer_host, country, device, browser, os, is_bot, visitor_hash, user_agent,
          region, city, utm_source, utm_medium, utm_campaign, trigger
        FROM live ORDER BY position
        ON CONFLICT ("eventId") DO NOTHING
        RETURNING "eventId"
      )
      SELECT (SELECT count(*) FROM live) AS joined, coalesce((SELECT array_agg("eventId") FROM inserted), '{}') AS stored`;
    const storedIds = new Set(insert?.stored ?? []);
    const deltas = rollupDeltas(
      clicks.filter((click) => storedIds.has(click.eventId)),
      ownerOf,
    );
    if (storedIds.size > 0) await addRollups(tx, deltas);
    return { stored: storedIds.size, joined: Number(insert?.joined ?? 0) };
  });
  const orphaned = unique.length - joined;
  return { inserted: stored, duplicates: events.length - stored - orphaned, orphaned };
}

/**
 * Adds a batch's rollup deltas, in one statement: per-link 15-minute rows of every dimension (ClickRollup), the
 * account's quarter-hour and daily rows, its visitors of the day and their count, the links' visitors of the day,
 * daily rows and totals. A visitor counts as new for a day only where this statement inserted its row (`xmax = 0`
 * on the account's, RETURNING of ON CONFLICT DO NOTHING on the link's): a visitor another batch or worker already
 * stored is not counted again.
 */
async function addRollups(tx: Prisma.TransactionClient, deltas: RollupDeltas): Promise<void> {
  await tx.$queryRaw`
    WITH
    click_rollups AS (
      INSERT INTO "ClickRollup" ("linkId", "userId", "bucket", "isBot", "country", "region", "city", "device", "browser", "os", "referrerHost",
        "utmSource", "utmMedium", "utmCampaign", "trigger", "clicks")
      SELECT r->>0, r->>1, (r->>2)::timestamptz AT TIME ZONE 'UTC', (r->>3)::boolean, r->>4, r->>5, r->>6, r->>7, r->>8, r->>9, r->>10,
        r->>11, r->>12, r->>13, r->>14, (r->>15)::int
      FROM json_array_elements(${json(deltas.clickRollups)}::json) r
      ON CONFLICT ("linkId", "bucket", "isBot", "country", "region", "city", "device", "browser", "os", "referrerHost", "utmSource", "utmMedium", "utmCampaign", "trigger")
      DO UPDATE SET "clicks" = "ClickRollup"."clicks" + excluded."clicks"
      RETURNING 1
    ),
    account_buckets AS (
      INSERT INTO "AccountClickBucket" ("userId", "bucket", "isBot", "clicks")
      SELECT r->>0, (r->>1)::timestamptz AT TIME ZONE 'UTC', (r->>2)::boolean, (r->>3)::int FROM json_array_elements(${json(deltas.accountBuckets)}::json) r
      ON CONFLICT ("userId", "bucket", "isBot") DO UPDATE SET "clicks" = "AccountClickBucket"."clicks" + excluded."clicks"
      RETURNING 1
    ),
    account_dimension_buckets AS (
      INSERT INTO "AccountDimensionBucket" ("userId", "dimension", "bucket", "isBot", "value", "clicks")
      SELECT r->>0, r->>1, (r->>2)::timestamptz AT TIME ZONE 'UTC', (r->>3)::boolean, r->>4, (r->>5)::int
      FROM json_array_elements(${json(deltas.accountDimensionBuckets)}::json) r
      ON CONFLICT ("userId", "dimension", "bucket", "isBot", "value") DO UPDATE SET "clicks" = "AccountDimensionBucket"."clicks" + excluded."clicks"
      RETURNING 1
    ),
    account_dimension_days AS (
      INSERT INTO "AccountDimensionDay" ("userId", "dimension", "day", "isBot", "value", "clicks")
      SELECT r->>0, r->>1, (r->>2)::date, (r->>3)::boolean, r->>4, (r->>5)::int FROM json_array_elements(${json(deltas.accountDimensionDays)}::json) r
      ON CONFLICT ("userId", "dimension", "day", "isBot", "value") DO UPDATE SET "clicks" = "AccountDimensionDay"."clicks" + excluded."clicks"
      RETURNING 1
    ),
    account_visitors AS (
      INSERT INTO "AccountDailyVisitor" AS v ("userId", "day", "kind", "visitorHash", "firstAt", "lastAt")
      SELECT r->>0, (r->>1)::date, r->>2, r->>3, (r->>4)::timestamptz AT TIME ZONE 'UTC', (r->>5)::timestamptz AT TIME ZONE 'UTC'
      FROM json_array_elements(${json(deltas.accountVisitors)}::json) r
      ON CONFLICT ("userId", "day", "kind", "visitorHash") DO UPDATE
        SET "firstAt" = least(v."firstAt", excluded."firstAt"), "lastAt" = greatest(v."lastAt", excluded."lastAt")
        WHERE excluded."firstAt" < v."firstAt" OR excluded."lastAt" > v."lastAt"
      -- xmax = 0 only on a row inserted now: a visitor already seen that day (by any worker) is not counted again.
      RETURNING v."userId", v.day, v.kind, (v.xmax = 0) AS inserted
    ),
    account_uniques AS (
      INSERT INTO "AccountDailyUniques" AS u ("userId", "day", "kind", "visitors")
      SELECT "userId", day, kind, count(*) FROM account_visitors WHERE inserted GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT ("userId", "day", "kind") DO UPDATE SET "visitors" = u."visitors" + excluded."visitors"
      RETURNING 1
    ),
    new_visitors AS (
      INSERT INTO "LinkDailyVisitor" ("linkId", "day", "visitorHash")
      SELECT r->>0, (r->>1)::date, r->>2 FROM json_array_elements(${json(deltas.linkVisitors)}::json) r
      ON CONFLICT DO NOTHING
      RETURNING "linkId", "day"
    ),
    uniques AS (
      SELECT "linkId", "day", count(*) AS uniques FROM new_visitors GROUP BY 1, 2
    ),
    link_days AS (
      INSERT INTO "LinkDailyStat" ("linkId", "day", "clicks", "uniqueVisitors", "botClicks")
      SELECT d.link_id, d.day, d.clicks, coalesce(u.uniques, 0), d.bots
      FROM (SELECT r->>0 AS link_id, (r->>1)::date AS day, (r->>2)::int AS clicks, (r->>3)::int AS bots FROM json_array_elements(${json(deltas.linkDays)}::json) r) d
        LEFT JOIN uniques u ON u."linkId" = d.link_id AND u.day = d.day
      ORDER BY 1, 2
      ON CONFLICT ("linkId", "day") DO UPDATE SET
        "clicks" = "LinkDailyStat"."clicks" + excluded."clicks",
        "uniqueVisitors" = "LinkDailyStat"."uniqueVisitors" + excluded."uniqueVisitors",
        "botClicks" = "LinkDailyStat"."botClicks" + excluded."botClicks"
      RETURNING 1
    ),
    totals AS (
      UPDATE "Link" SET "totalClicks" = "Link"."totalClicks" + t.clicks
      FROM (SELECT r->>0 AS link_id, (r->>1)::bigint AS clicks FROM json_array_elements(${json(deltas.linkTotals)}::json) r) t
      WHERE "Link".id = t.link_id
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM click_rollups) + (SELECT count(*) FROM account_buckets) + (SELECT count(*) FROM account_dimension_buckets)
      + (SELECT count(*) FROM account_dimension_days) + (SELECT count(*) FROM account_uniques) + (SELECT count(*) FROM link_days)
      + (SELECT count(*) FROM totals) AS rows`;
}
