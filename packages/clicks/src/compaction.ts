import { type Database, Prisma } from "@hop/db";
import { accountRollupDimensions } from "./account-rollups";

/**
 * Compaction of closed UTC days into the tiers a filtered dashboard reads
 * (issue 13): AccountValueDay (per dimension value: clicks, quarter hours,
 * distinct visitors) and AccountPairDay (per pair of values of two
 * dimensions). Too heavy for ingestion's hot path (90 pairs per click), so
 * the worker's `analytics.compact` job runs this from the raw clicks, off it.
 *
 * Exact, whoever runs it and however often:
 * - a day is replaced, never added to: its rows for an account are deleted
 *   and recomputed from the raw clicks in one transaction, so a replay or a
 *   second worker changes nothing;
 * - two workers on the same day queue on an advisory lock and the second
 *   finds nothing left to do;
 * - AccountCompactedDay records how many clicks (bots included) the day was
 *   compacted from, read in the same snapshot as the rows; readers use a day
 *   only while that equals the live count ingestion keeps in
 *   AccountDimensionDay, so a click that arrives late for a compacted day
 *   sends the day back to the finer rows until the next run recompacts it.
 */

/** Dimensions paired in AccountPairDay. Region and city are left out: as many values as clicks, pairs of them do not compress. */
export const pairedDimensions = ["country", "device", "browser", "os", "referrer", "utmSource", "utmMedium", "utmCampaign", "trigger", "link"] as const;

export interface CompactionOptions {
  now?: Date;
  /** CLICK_RETENTION_DAYS: days whose raw clicks the retention job may have started deleting are never (re)compacted. */
  retentionDays: number;
  /** How long after a UTC day ends it counts as closed (clicks still queued in the stream arrive meanwhile). */
  closeAfterMs?: number;
}

// A type, not an interface: the worker logs it as a Record<string, number>.
export type CompactionResult = {
  /** UTC days that had accounts to (re)compact. */
  days: number;
  /** (account, day) pairs compacted. */
  accountDays: number;
};

const dayMs = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const lockNamespace = 1_313_013; // pg_advisory_xact_lock(namespace, day number): one key per UTC day

const values = (dimensions: readonly (typeof accountRollupDimensions)[number][0][]) =>
  accountRollupDimensions
    .filter(([dimension]) => dimensions.includes(dimension))
    .map(([dimension, value]) => `('${dimension}', ${value})`)
    .join(", ");

/** (account, day) pairs of [since, until) whose compacted count is missing or differs from the live count. */
function staleAccountDaysSql(since: string, until: string): Prisma.Sql {
  return Prisma.sql`
    SELECT d."userId", to_char(d.day, 'YYYY-MM-DD') AS day FROM (
      SELECT "userId", day, sum(clicks)::int AS live FROM "AccountDimensionDay"
      WHERE dimension = 'trigger' AND day >= ${since}::date AND day < ${until}::date GROUP BY 1, 2
    ) d LEFT JOIN "AccountCompactedDay" c ON c."userId" = d."userId" AND c.day = d.day
    WHERE c.clicks IS DISTINCT FROM d.live ORDER BY 2, 1`;
}

/** Recomputes the compacted rows of `userIds` for one UTC day from the raw clicks (the caller holds the day's lock). */
async function compactAccountDay(tx: Prisma.TransactionClient, day: string, userIds: string[]): Promise<void> {
  // The day's old pair rows by their key ranges: the values the day had (its value rows) x the paired dimensions,
  // so a recompaction reads that day's rows only, not all of the account's. Then the value rows (by their day index).
  const pairedList = Prisma.join(pairedDimensions.map((dimension) => Prisma.sql`(${dimension})`));
  await tx.$executeRaw`
    DELETE FROM "AccountPairDay" p
    USING (SELECT DISTINCT v."userId", v.dimension, v.value FROM "AccountValueDay" v
             WHERE v."userId" = ANY(${userIds}::text[]) AND v.day = ${day}::date AND v.kind = 'all') a,
          (VALUES ${pairedList}) AS b(dimension)
    WHERE p."userId" = a."userId" AND p."dimensionA" = a.dimension AND p."valueA" = a.value AND p."dimensionB" = b.dimension AND p.day = ${day}::date`;
  await tx.$executeRaw`DELETE FROM "AccountValueDay" WHERE "userId" = ANY(${userIds}::text[]) AND day = ${day}::date`;
  const all = values(accountRollupDimensions.map(([dimension]) => dimension));
  const paired = values(pairedDimensions);
  // One statement, so one snapshot: the rows and the count they were made from agree.
  await tx.$executeRaw(Prisma.sql`
    WITH src AS MATERIALIZED (
      SELECT l."userId" AS user_id, c.* FROM "Click" c JOIN "Link" l ON l.id = c."linkId"
      WHERE c."occurredAt" >= ${day}::timestamp AND c."occurredAt" < ${day}::timestamp + interval '1 day' AND l."userId" = ANY(${userIds}::text[])
    ),
    kinds AS MATERIALIZED (
      SELECT user_id, d.dimension, d.value, k.kind, "visitorHash",
        floor(extract(epoch FROM "occurredAt" - ${day}::timestamp) / 900)::int AS quarter
      FROM src CROSS JOIN LATERAL (VALUES ${Prisma.raw(all)}) AS d(dimension, value)
        CROSS JOIN LATERAL (VALUES ('all'), ('human')) AS k(kind)
      WHERE k.kind = 'all' OR NOT "isBot"
    ),
    quarters AS (
      SELECT user_id, dimension, value, kind, array_agg(quarter ORDER BY quarter) AS quarter_hours, array_agg(clicks ORDER BY quarter) AS quarter_clicks
      FROM (SELECT user_id, dimension, value, kind, quarter, count(*)::int AS clicks FROM kinds GROUP BY 1, 2, 3, 4, 5) q
      GROUP BY 1, 2, 3, 4
    ),
    totals AS (
      SELECT user_id, dimension, value, kind, count(*)::int AS clicks, count(DISTINCT "visitorHash")::int AS visitors FROM kinds GROUP BY 1, 2, 3, 4
    ),
    value_days AS (
      INSERT INTO "AccountValueDay" ("userId", "dimension", "value", "day", "kind", "clicks", "quarterHours", "quarterClicks", "visitors")
      SELECT t.user_id, t.dimension, t.value, ${day}::date, t.kind, t.clicks, q.quarter_hours, q.quarter_clicks, t.visitors
      FROM totals t JOIN quarters q USING (user_id, dimension, value, kind)
      ORDER BY 1, 2, 3, 5
      RETURNING 1
    ),
    pair_days AS (
      INSERT INTO "AccountPairDay" ("userId", "dimensionA", "valueA", "dimensionB", "day", "isBot", "valueB", "clicks")
      SELECT user_id, a.dimension, a.value, b.dimension, ${day}::date, "isBot", b.value, count(*)::int
      FROM src CROSS JOIN LATERAL (VALUES ${Prisma.raw(paired)}) AS a(dimension, value) CROSS JOIN LATERAL (VALUES ${Prisma.raw(paired)}) AS b(dimension, value)
      WHERE a.dimension <> b.dimension
      GROUP BY 1, 2, 3, 4, 6, 7
      -- In key order, so that one value's pairs of a day share heap pages: a card reads a few pages per day, not a page per row.
      ORDER BY 1, 2, 3, 4, 6, 7
      RETURNING 1
    ),
    compacted AS (
      INSERT INTO "AccountCompactedDay" ("userId", "day", "clicks", "compactedAt")
      SELECT u.id, ${day}::date, coalesce(n.clicks, 0), now()
      FROM unnest(${userIds}::text[]) AS u(id) LEFT JOIN (SELECT user_id, count(*)::int AS clicks FROM src GROUP BY 1) n ON n.user_id = u.id
      ON CONFLICT ("userId", "day") DO UPDATE SET "clicks" = excluded."clicks", "compactedAt" = excluded."compactedAt"
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM value_days), (SELECT count(*) FROM pair_days), (SELECT count(*) FROM compacted)`);
}

/**
 * Compacts every closed UTC day (within the retention) that has accounts with
 * clicks not compacted yet, or compacted before a late click arrived. A day
 * at a time, each in its own transaction under the day's advisory lock.
 */
export async function compactClosedDays(db: Database, options: CompactionOptions): Promise<CompactionResult> {
  const now = (options.now ?? new Date()).getTime();
  const until = isoDay(Math.floor((now - (options.closeAfterMs ?? 10 * 60_000)) / dayMs) * dayMs);
  // The retention job deletes clicks before now - retention, part of a day at a time: one more day of margin.
  const since = isoDay((Math.ceil((now - options.retentionDays * dayMs) / dayMs) + 1) * dayMs);
  const stale = await db.$queryRaw<{ userId: string; day: string }[]>(staleAccountDaysSql(since, until));
  const days = [...new Set(stale.map((row) => row.day))];
  let accountDays = 0;
  for (const day of days) {
    const next = isoDay(Date.parse(`${day}T00:00:00Z`) + dayMs);
    accountDays += await db.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${lockNamespace}::int, ${Date.parse(`${day}T00:00:00Z`) / dayMs}::int)`;
        // Read again under the lock: another worker may have compacted the day meanwhile.
        const todo = await tx.$queryRaw<{ userId: string }[]>(staleAccountDaysSql(day, next));
        if (todo.length > 0)
          await compactAccountDay(
            tx,
            day,
            todo.map((row) => row.userId),
          );
        return todo.length;
      },
      { maxWait: 60_000, timeout: 30 * 60_000 },
    );
  }
  return { days: days.length, accountDays };
}
