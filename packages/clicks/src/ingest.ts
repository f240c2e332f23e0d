import { type Database, Prisma, queryRawOnPool } from "@hop/db";
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
 * Click rows (idempotent by event id), the per-day rollups (clicks and
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

type Value = string | number | boolean | null;

/**
 * Runs ingestion once over a click of no link (a link id none has), so that a new worker's first batch does not pay for
 * what the first use loads: Prisma's query compiler (a WebAssembly module imported on the first query and its first
 * compilation: ~500 ms of the first batch on a 2-core machine, while clicks wait to be counted) and the hashing.
 * Writes nothing: the click is counted against no link. Rejects as ingestion would (the caller goes on).
 */
export async function warmUpClickIngestion(db: Database, options: IngestOptions = {}): Promise<void> {
  const noLink: ClickEvent = { eventId: "warm-up", linkId: "", occurredAt: new Date(), referrer: null, userAgent: null, country: null, ip: null };
  await ingestClickEvents(db, [noLink], options);
}

/**
 * One column of rows as a PostgreSQL array literal ('{"a","b",NULL}'), to be cast (::text[]) and unnested: one string
 * parameter for the driver, where Prisma's array parameters cost about 10 µs per row of 17 values in the process
 * (docs/benchmarks.md); a JSON document was tried too, and PostgreSQL took it apart field by field more slowly.
 */
function column(rows: readonly (readonly Value[])[], index: number): string {
  const items = rows.map((row) => {
    const value = row[index];
    if (value === null || value === undefined) return "NULL";
    if (typeof value === "boolean") return value ? "t" : "f";
    if (typeof value === "number") return String(value);
    return value.includes('"') || value.includes("\\") ? `"${value.replace(/[\\"]/g, "\\$&")}"` : `"${value}"`;
  });
  return `{${items.join(",")}}`;
}

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
    c.visitorHash ?? null,
    c.userAgent,
    c.region,
    c.city,
    c.utmSource,
    c.utmMedium,
    c.utmCampaign,
    c.trigger,
  ]);

  // The usual batch (no event stored before, every link still there) is one statement in its own implicit transaction:
  // the Click rows, and the rollups of all of them, added up in JS beforehand (rollup-deltas.ts). The Click insert has
  // no ON CONFLICT: a replayed or concurrently stored event fails it on the event id's unique index, and a link deleted
  // since it was read fails it on the foreign key, so the whole statement commits nothing and the batch takes the
  // careful path below. A batch thus counts only clicks it stored itself, and never a stored click twice.
  const deltas = rollupDeltas(clicks, ownerOf);
  try {
    // On the pool: Prisma's raw path would turn the ~400 kB of array literals into JSON and back (queryRawOnPool).
    await queryRawOnPool(
      db,
      Prisma.sql`
      WITH inserted AS (
        INSERT INTO "Click" ("eventId", "linkId", "occurredAt", "referrerHost", "country", "device", "browser", "os", "isBot", "visitorHash", "userAgent",
          "region", "city", "utmSource", "utmMedium", "utmCampaign", "trigger")
        SELECT event_id, link_id, occurred_at AT TIME ZONE 'UTC', referrer_host, country, device, browser, os, is_bot, visitor_hash, user_agent,
          region, city, utm_source, utm_medium, utm_campaign, trigger
        FROM ${clickRowsOf(rows)}
        RETURNING 1
      ),
      ${rollupCtes(deltas)}
      SELECT (SELECT count(*) FROM inserted) + ${rollupRowCount} AS rows`,
    );
    return { inserted: clicks.length, duplicates: events.length - clicks.length - (unique.length - live.length), orphaned: unique.length - live.length };
  } catch (error) {
    if (!isReplayOrDeletedLink(error)) throw error;
  }

  // Some event was stored before (a replay, or another worker's copy), or a link went: two statements in one transaction,
  // the Click rows first, then the rollups of exactly the rows that insert stored (by event id: a replayed or concurrently
  // stored event is not among them, so it counts nowhere twice). Each statement writes its rows in key order, so two
  // workers' transactions queue instead of deadlocking.
  const { stored, joined } = await db.$transaction(async (tx) => {
    // The join drops events of a link deleted since it was read above (they count as orphaned, not as a failed batch).
    const [insert] = await tx.$queryRaw<{ joined: bigint; stored: string[] }[]>`
      WITH batch AS (
        SELECT * FROM ${clickRowsOf(rows)}
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
    if (storedIds.size > 0) {
      const storedDeltas = rollupDeltas(
        clicks.filter((click) => storedIds.has(click.eventId)),
        ownerOf,
      );
      await tx.$queryRaw`WITH ${rollupCtes(storedDeltas)} SELECT ${rollupRowCount} AS rows`;
    }
    return { stored: storedIds.size, joined: Number(insert?.joined ?? 0) };
  });
  const orphaned = unique.length - joined;
  return { inserted: stored, duplicates: events.length - stored - orphaned, orphaned };
}

/** The batch's Click rows as unnest() of one array literal per column, in event id order (their `position`). */
function clickRowsOf(rows: readonly (readonly Value[])[]): Prisma.Sql {
  return Prisma.sql`unnest(
    ${column(rows, 0)}::text[], ${column(rows, 1)}::text[], ${column(rows, 2)}::timestamptz[], ${column(rows, 3)}::text[], ${column(rows, 4)}::text[],
    ${column(rows, 5)}::text[], ${column(rows, 6)}::text[], ${column(rows, 7)}::text[], ${column(rows, 8)}::boolean[], ${column(rows, 9)}::text[],
    ${column(rows, 10)}::text[], ${column(rows, 11)}::text[], ${column(rows, 12)}::text[], ${column(rows, 13)}::text[], ${column(rows, 14)}::text[],
    ${column(rows, 15)}::text[], ${column(rows, 16)}::text[]
  ) WITH ORDINALITY AS e(event_id, link_id, occurred_at, referrer_host, country, device, browser, os, is_bot, visitor_hash, user_agent,
    region, city, utm_source, utm_medium, utm_campaign, trigger, position)`;
}

/** The SQLSTATEs of a fast-path statement that met an event stored before (unique_violation) or a deleted link (foreign_key_violation). */
const replayOrDeletedLinkStates = new Set(["23505", "23503"]);

/**
 * Whether a failed statement failed on a stored event id or a deleted link. Prisma's driver adapter reports the
 * PostgreSQL error as `cause.originalCode` (P2010, "raw query failed") or as its own P2002/P2003; pg as `code`.
 */
function isReplayOrDeletedLink(error: unknown): boolean {
  // node-postgres's DatabaseError (queryRawOnPool) carries the SQLSTATE itself.
  if (error instanceof Error && "code" in error && "severity" in error) return typeof error.code === "string" && replayOrDeletedLinkStates.has(error.code);
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === "P2002" || error.code === "P2003") return true;
  const meta = error.meta as { code?: unknown; driverAdapterError?: { cause?: { originalCode?: unknown; kind?: unknown } } } | undefined;
  const code = meta?.code ?? meta?.driverAdapterError?.cause?.originalCode;
  return typeof code === "string" && replayOrDeletedLinkStates.has(code);
}

/** unnest() of rows whose columns have these SQL types, as columns named c0, c1, ... */
function unnestOf(rows: readonly (readonly Value[])[], types: readonly string[]): Prisma.Sql {
  const arrays = types.map((type, index) => Prisma.sql`${column(rows, index)}::${Prisma.raw(type)}[]`);
  return Prisma.sql`unnest(${Prisma.join(arrays)}) AS r(${Prisma.raw(types.map((_, index) => `c${index}`).join(", "))})`;
}

/**
 * A batch's rollup deltas as data-modifying CTEs of one statement (after the Click insert's): the
 * account's quarter-hour and daily rows, its visitors of the day and their count, the links' visitors of the day,
 * daily rows and totals. A visitor counts as new for a day only where this statement inserted its row (`xmax = 0`
 * on the account's, RETURNING of ON CONFLICT DO NOTHING on the link's): a visitor another batch or worker already
 * stored is not counted again.
 */
function rollupCtes(deltas: RollupDeltas): Prisma.Sql {
  return Prisma.sql`
    account_buckets AS (
      INSERT INTO "AccountClickBucket" ("userId", "bucket", "isBot", "clicks")
      SELECT c0, c1 AT TIME ZONE 'UTC', c2, c3 FROM ${unnestOf(deltas.accountBuckets, ["text", "timestamptz", "boolean", "int"])}
      ON CONFLICT ("userId", "bucket", "isBot") DO UPDATE SET "clicks" = "AccountClickBucket"."clicks" + excluded."clicks"
      RETURNING 1
    ),
    account_dimension_days AS (
      INSERT INTO "AccountDimensionDay" ("userId", "dimension", "day", "isBot", "value", "clicks")
      SELECT c0, c1, c2, c3, c4, c5 FROM ${unnestOf(deltas.accountDimensionDays, ["text", "text", "date", "boolean", "text", "int"])}
      ON CONFLICT ("userId", "dimension", "day", "isBot", "value") DO UPDATE SET "clicks" = "AccountDimensionDay"."clicks" + excluded."clicks"
      RETURNING 1
    ),
    account_visitors AS (
      INSERT INTO "AccountDailyVisitor" AS v ("userId", "day", "visitorHash", "firstAt", "lastAt", "humanFirstAt", "humanLastAt", "humanSince")
      SELECT c0, c1, c2, c3 AT TIME ZONE 'UTC', c4 AT TIME ZONE 'UTC', c5 AT TIME ZONE 'UTC', c6 AT TIME ZONE 'UTC',
        CASE WHEN c5 IS NULL THEN NULL ELSE pg_current_xact_id()::text::bigint END
      FROM ${unnestOf(deltas.accountVisitors, ["text", "date", "text", "timestamptz", "timestamptz", "timestamptz", "timestamptz"])}
      ON CONFLICT ("userId", "day", "visitorHash") DO UPDATE
        SET "firstAt" = least(v."firstAt", excluded."firstAt"), "lastAt" = greatest(v."lastAt", excluded."lastAt"),
          -- least/greatest skip nulls: a visitor's human span only widens, and appears with its first human click.
          "humanFirstAt" = least(v."humanFirstAt", excluded."humanFirstAt"), "humanLastAt" = greatest(v."humanLastAt", excluded."humanLastAt"),
          "humanSince" = CASE WHEN v."humanFirstAt" IS NULL THEN excluded."humanSince" ELSE v."humanSince" END
        WHERE excluded."firstAt" < v."firstAt" OR excluded."lastAt" > v."lastAt"
          OR excluded."humanFirstAt" < v."humanFirstAt" OR excluded."humanLastAt" > v."humanLastAt"
          OR (v."humanFirstAt" IS NULL AND excluded."humanFirstAt" IS NOT NULL)
      -- A visitor counts as new for the day where this statement inserted its row (xmax = 0), and as a new human where
      -- this transaction gave the row its first human click (humanSince): one seen before, by any worker, is not counted
      -- again (a second worker's upsert waits for the first's row lock and reads its committed row).
      RETURNING v."userId", v.day, (v.xmax = 0) AS inserted, coalesce(v."humanSince" = pg_current_xact_id()::text::bigint, false) AS became_human
    ),
    account_uniques AS (
      INSERT INTO "AccountDailyUniques" AS u ("userId", "day", "kind", "visitors")
      SELECT "userId", day, kind, count(*) FROM (
        SELECT "userId", day, 'all' AS kind FROM account_visitors WHERE inserted
        UNION ALL
        SELECT "userId", day, 'human' AS kind FROM account_visitors WHERE became_human
      ) new_visitors_of_kind GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT ("userId", "day", "kind") DO UPDATE SET "visitors" = u."visitors" + excluded."visitors"
      RETURNING 1
    ),
    new_visitors AS (
      INSERT INTO "LinkDailyVisitor" ("linkId", "day", "visitorHash")
      SELECT c0, c1, c2 FROM ${unnestOf(deltas.linkVisitors, ["text", "date", "text"])}
      ON CONFLICT DO NOTHING
      RETURNING "linkId", "day"
    ),
    uniques AS (
      SELECT "linkId", "day", count(*) AS uniques FROM new_visitors GROUP BY 1, 2
    ),
    link_days AS (
      INSERT INTO "LinkDailyStat" ("linkId", "day", "clicks", "uniqueVisitors", "botClicks")
      SELECT d.link_id, d.day, d.clicks, coalesce(u.uniques, 0), d.bots
      FROM (SELECT c0 AS link_id, c1 AS day, c2 AS clicks, c3 AS bots FROM ${unnestOf(deltas.linkDays, ["text", "date", "int", "int"])}) d
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
      FROM (SELECT c0 AS link_id, c1 AS clicks FROM ${unnestOf(deltas.linkTotals, ["text", "bigint"])}) t
      WHERE "Link".id = t.link_id
      RETURNING 1
    )`;
}

/** The rows rollupCtes wrote: reading each CTE makes them run one after the other, in this order, in every worker. */
const rollupRowCount = Prisma.sql`(SELECT count(*) FROM account_buckets) + (SELECT count(*) FROM account_dimension_days) + (SELECT count(*) FROM account_uniques) + (SELECT count(*) FROM link_days)
      + (SELECT count(*) FROM totals)`;
