import { type Database, Prisma } from "@hop/db";
import { accountRollupDimensions } from "./account-rollups";

/**
 * Compaction of closed UTC days into the tiers a filtered dashboard reads
 * (issue 13): AccountValueDay (per dimension value: clicks, quarter hours,
 * distinct visitors) and AccountPairDay (per value of one dimension and a
 * second dimension: that one's values and clicks as arrays). Too heavy for
 * ingestion's hot path (90 pairs per click), so the worker's
 * `analytics.compact` job runs this from the raw clicks, off it: one pass
 * of GROUPING SETS per tier over a day's clicks, so its cost and its rows
 * grow with the day's distinct values and pairs, not with clicks x pairs.
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

/**
 * Two filters from compacted days: the dimensions whose pairs of values AccountPairValueDay holds (A before B in this
 * order), chosen for their few values per day, so that the pairs and their third dimensions stay fewer than the clicks.
 * Referrer, campaign, source and link have hundreds to thousands; filters on them (with another) read the raw clicks.
 */
export const filterPairDimensions = ["country", "device", "browser", "os", "utmMedium", "trigger"] as const;

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

/** Every rolled-up dimension as a column of the day's clicks (`d0`, `d1`, ...), in accountRollupDimensions' order. */
const columns = accountRollupDimensions.map(([dimension, value], index) => ({ dimension, value, column: `d${index}` }));
const pairedColumns = columns.filter(({ dimension }) => (pairedDimensions as readonly string[]).includes(dimension));

/** GROUPING(all of `of`)'s bit mask of a set grouped by the columns at these indexes of `of` (1 where not grouped). */
function groupingMask(of: typeof columns, grouped: readonly number[]): number {
  return of.reduce((bits, _, index) => (grouped.includes(index) ? bits : bits | (1 << (of.length - 1 - index))), 0);
}

/**
 * Which columns a GROUPING SETS row grouped by, told by GROUPING(all of `of`) (a bit per column, 1 where not grouped):
 * VALUES (mask, index of the first grouped column (1-based, in `of`), its dimension[, the second's index, dimension]).
 */
function groupingSetsSql(of: typeof columns, size: 1 | 2): { sets: string; lookup: string } {
  const combinations = of.flatMap((_, first) => (size === 1 ? [[first]] : of.slice(first + 1).map((__, offset) => [first, first + 1 + offset])));
  const mask = (grouped: readonly number[]) => groupingMask(of, grouped);
  return {
    sets: combinations.map((grouped) => `(${grouped.map((index) => of[index]?.column).join(", ")})`).join(", "),
    lookup: combinations
      .map((grouped) => `(${[mask(grouped), ...grouped.flatMap((index) => [index + 1, `'${of[index]?.dimension}'`])].join(", ")})`)
      .join(", "),
  };
}

// Grouping sets: each click counted into every set in one pass, instead of a row per click and dimension (or pair of
// dimensions) materialized and grouped again.
const singles = groupingSetsSql(columns, 1);
const pairs = groupingSetsSql(pairedColumns, 2);
const allColumns = columns.map(({ column }) => column).join(", ");
const pairedColumnList = pairedColumns.map(({ column }) => column).join(", ");

// The two-filter tiers: pairs of filterPairDimensions (A before B), and each with a third dimension, any paired one, link
// included (the top links card, and the top tags through the links' tags: link is the widest third dimension and the
// largest part of AccountTripleDay, but without it those two cards read the raw clicks).
const tripleColumns = pairedColumns;
const tripleColumnList = pairedColumnList;
const isFilterPairDimension = (dimension: string) => (filterPairDimensions as readonly string[]).includes(dimension);
/** Indexes into tripleColumns of each pair of filter dimensions, A before B. */
const filterPairs = tripleColumns.flatMap((a, first) =>
  isFilterPairDimension(a.dimension)
    ? tripleColumns.slice(first + 1).flatMap((b, offset) => (isFilterPairDimension(b.dimension) ? [[first, first + 1 + offset] as const] : []))
    : [],
);
const tripleMask = (grouped: readonly number[]) => groupingMask(tripleColumns, grouped);
// The pairs alone group by filter dimensions only, and GROUPING() takes only columns some set groups by.
const filterColumns = tripleColumns.filter(({ dimension }) => isFilterPairDimension(dimension));
const filterColumnList = filterColumns.map(({ column }) => column).join(", ");
const pairValueSets = groupingSetsSql(filterColumns, 2);
const triples = filterPairs.flatMap(([a, b]) => tripleColumns.map((_, c) => [a, b, c] as const).filter(([, , c]) => c !== a && c !== b));
// Roles differ, sets need not: (country, device; browser) and (country, browser; device) group by the same three columns.
// Each set is grouped once; the lookup gives its rows every role they play.
const tripleSets = {
  sets: [...new Map(triples.map((triple) => [tripleMask(triple), triple])).values()]
    .map((triple) => `(${triple.map((index) => tripleColumns[index]?.column).join(", ")})`)
    .join(", "),
  lookup: triples
    .map(
      ([a, b, c]) =>
        `(${tripleMask([a, b, c])}, ${a + 1}, '${tripleColumns[a]?.dimension}', ${b + 1}, '${tripleColumns[b]?.dimension}', ${c + 1}, '${tripleColumns[c]?.dimension}')`,
    )
    .join(", "),
};

/** (account, day) pairs of [since, until) whose compacted count is missing or differs from the live count. */
function staleAccountDaysSql(since: string, until: string): Prisma.Sql {
  return Prisma.sql`
    SELECT d."userId", to_char(d.day, 'YYYY-MM-DD') AS day FROM (
      SELECT "userId", day, sum(clicks)::int AS live FROM "AccountDimensionDay"
      WHERE dimension = 'trigger' AND day >= ${since}::date AND day < ${until}::date GROUP BY 1, 2
    ) d LEFT JOIN "AccountCompactedDay" c ON c."userId" = d."userId" AND c.day = d.day
    -- A day compacted while it was open holds part of it: compacted whole once it closed.
    WHERE c.clicks IS DISTINCT FROM d.live OR c.through IS NOT NULL ORDER BY 2, 1`;
}

/**
 * Accounts with clicks on the open `day` before `through`, whose compacted rows are missing or were compacted up to
 * another instant or from another count (the live count: AccountClickBucket's quarter hours before `through`).
 */
function staleOpenDaySql(day: string, through: string): Prisma.Sql {
  return Prisma.sql`
    SELECT b."userId" FROM "AccountClickBucket" b
    LEFT JOIN "AccountCompactedDay" c ON c."userId" = b."userId" AND c.day = ${day}::date
    WHERE b.bucket >= ${day}::timestamp AND b.bucket < ${through}::timestamp
    GROUP BY b."userId", c.clicks, c.through
    HAVING c.clicks IS DISTINCT FROM sum(b.clicks)::int OR c.through IS DISTINCT FROM ${through}::timestamp
    ORDER BY 1`;
}

/**
 * Recomputes the compacted rows of `userIds` for one UTC day from the raw clicks (the caller holds the day's lock): the
 * whole day, or for the open day its clicks before `through` (an ISO instant on a quarter hour of that day).
 */
async function compactAccountDay(tx: Prisma.TransactionClient, day: string, userIds: string[], through: string | null = null): Promise<void> {
  const end = through === null ? Prisma.sql`${day}::timestamp + interval '1 day'` : Prisma.sql`${through}::timestamp`;
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
  await tx.$executeRaw`DELETE FROM "AccountPairValueDay" WHERE "userId" = ANY(${userIds}::text[]) AND day = ${day}::date`;
  await tx.$executeRaw`DELETE FROM "AccountTripleDay" WHERE "userId" = ANY(${userIds}::text[]) AND day = ${day}::date`;
  // The day's hash tables (a pair set per pair of dimensions, a visitor set per dimension) in memory rather than spilled.
  await tx.$executeRaw`SET LOCAL work_mem = '256MB'`;
  // One statement, so one snapshot: the rows and the count they were made from agree.
  await tx.$executeRaw(Prisma.sql`
    WITH day_clicks AS MATERIALIZED (
      SELECT user_id, "isBot" AS is_bot, "visitorHash" AS visitor, floor(extract(epoch FROM "occurredAt" - ${day}::timestamp) / 900)::int AS quarter,
        ${Prisma.raw(columns.map(({ value, column }) => `${value} AS ${column}`).join(", "))}
      FROM (SELECT l."userId" AS user_id, c.* FROM "Click" c JOIN "Link" l ON l.id = c."linkId"
        WHERE c."occurredAt" >= ${day}::timestamp AND c."occurredAt" < ${end} AND l."userId" = ANY(${userIds}::text[])) c
    ),
    singles(mask, position, dimension) AS (VALUES ${Prisma.raw(singles.lookup)}),
    value_quarters AS (
      SELECT user_id, s.dimension, (ARRAY[${Prisma.raw(allColumns)}])[s.position] AS value, k.kind, quarter, sum(q.clicks)::int AS clicks
      FROM (SELECT user_id, is_bot, quarter, ${Prisma.raw(allColumns)}, GROUPING(${Prisma.raw(allColumns)}) AS mask, count(*) AS clicks FROM day_clicks
            GROUP BY user_id, is_bot, quarter, GROUPING SETS (${Prisma.raw(singles.sets)})) q
        JOIN singles s USING (mask)
        CROSS JOIN LATERAL (VALUES ('all'), ('human')) AS k(kind)
      WHERE k.kind = 'all' OR NOT q.is_bot
      GROUP BY 1, 2, 3, 4, 5
    ),
    quarters AS (
      SELECT user_id, dimension, value, kind, sum(clicks)::int AS clicks,
        array_agg(quarter ORDER BY quarter) AS quarter_hours, array_agg(clicks ORDER BY quarter) AS quarter_clicks
      FROM value_quarters GROUP BY 1, 2, 3, 4
    ),
    visitors AS (
      SELECT user_id, s.dimension, (ARRAY[${Prisma.raw(allColumns)}])[s.position] AS value,
        count(*)::int AS all_visitors, count(*) FILTER (WHERE v.human)::int AS human_visitors
      FROM (SELECT user_id, visitor, ${Prisma.raw(allColumns)}, GROUPING(${Prisma.raw(allColumns)}) AS mask, bool_or(NOT is_bot) AS human FROM day_clicks
            GROUP BY user_id, visitor, GROUPING SETS (${Prisma.raw(singles.sets)})) v
        JOIN singles s USING (mask)
      GROUP BY 1, 2, 3
    ),
    value_days AS (
      INSERT INTO "AccountValueDay" ("userId", "dimension", "value", "day", "kind", "clicks", "quarterHours", "quarterClicks", "visitors")
      SELECT q.user_id, q.dimension, q.value, ${day}::date, q.kind, q.clicks, q.quarter_hours, q.quarter_clicks,
        CASE q.kind WHEN 'all' THEN v.all_visitors ELSE v.human_visitors END
      FROM quarters q JOIN visitors v USING (user_id, dimension, value)
      ORDER BY 1, 2, 3, 5
      RETURNING 1
    ),
    pair_sets(mask, first, first_dimension, second, second_dimension) AS (VALUES ${Prisma.raw(pairs.lookup)}),
    pair_counts AS (
      SELECT user_id, o.dimension_a, o.value_a, o.dimension_b, o.value_b, p.clicks, p.human_clicks
      FROM (SELECT user_id, ${Prisma.raw(pairedColumnList)}, GROUPING(${Prisma.raw(pairedColumnList)}) AS mask, count(*)::int AS clicks,
              count(*) FILTER (WHERE NOT is_bot)::int AS human_clicks
            FROM day_clicks GROUP BY user_id, GROUPING SETS (${Prisma.raw(pairs.sets)})) p
        JOIN pair_sets s USING (mask)
        -- Both orders of each pair.
        CROSS JOIN LATERAL (VALUES
          (s.first_dimension, (ARRAY[${Prisma.raw(pairedColumnList)}])[s.first], s.second_dimension, (ARRAY[${Prisma.raw(pairedColumnList)}])[s.second]),
          (s.second_dimension, (ARRAY[${Prisma.raw(pairedColumnList)}])[s.second], s.first_dimension, (ARRAY[${Prisma.raw(pairedColumnList)}])[s.first])
        ) AS o(dimension_a, value_a, dimension_b, value_b)
    ),
    pair_days AS (
      INSERT INTO "AccountPairDay" ("userId", "dimensionA", "valueA", "dimensionB", "day", "valuesB", "clicks", "humanClicks")
      SELECT user_id, dimension_a, value_a, dimension_b, ${day}::date,
        array_agg(value_b ORDER BY value_b), array_agg(clicks ORDER BY value_b), array_agg(human_clicks ORDER BY value_b)
      FROM pair_counts GROUP BY 1, 2, 3, 4
      -- In the primary key's order: its index is appended to, not written at random pages.
      ORDER BY 1, 2, 3, 4
      RETURNING 1
    ),
    -- Two filters: each pair of values of two filterPairDimensions, its quarter hours and visitors, then a third dimension's values.
    pair_value_sets(mask, first, first_dimension, second, second_dimension) AS (VALUES ${Prisma.raw(pairValueSets.lookup)}),
    pair_value_quarters AS (
      SELECT user_id, s.first_dimension AS dimension_a, (ARRAY[${Prisma.raw(filterColumnList)}])[s.first] AS value_a,
        s.second_dimension AS dimension_b, (ARRAY[${Prisma.raw(filterColumnList)}])[s.second] AS value_b, k.kind, quarter, sum(q.clicks)::int AS clicks
      FROM (SELECT user_id, is_bot, quarter, ${Prisma.raw(filterColumnList)}, GROUPING(${Prisma.raw(filterColumnList)}) AS mask, count(*) AS clicks FROM day_clicks
            GROUP BY user_id, is_bot, quarter, GROUPING SETS (${Prisma.raw(pairValueSets.sets)})) q
        JOIN pair_value_sets s USING (mask)
        CROSS JOIN LATERAL (VALUES ('all'), ('human')) AS k(kind)
      WHERE k.kind = 'all' OR NOT q.is_bot
      GROUP BY 1, 2, 3, 4, 5, 6, 7
    ),
    pair_value_visitors AS (
      SELECT user_id, s.first_dimension AS dimension_a, (ARRAY[${Prisma.raw(filterColumnList)}])[s.first] AS value_a,
        s.second_dimension AS dimension_b, (ARRAY[${Prisma.raw(filterColumnList)}])[s.second] AS value_b,
        count(*)::int AS all_visitors, count(*) FILTER (WHERE v.human)::int AS human_visitors
      FROM (SELECT user_id, visitor, ${Prisma.raw(filterColumnList)}, GROUPING(${Prisma.raw(filterColumnList)}) AS mask, bool_or(NOT is_bot) AS human
            FROM day_clicks GROUP BY user_id, visitor, GROUPING SETS (${Prisma.raw(pairValueSets.sets)})) v
        JOIN pair_value_sets s USING (mask)
      GROUP BY 1, 2, 3, 4, 5
    ),
    pair_value_days AS (
      INSERT INTO "AccountPairValueDay" ("userId", "dimensionA", "valueA", "dimensionB", "valueB", "day", "kind", "clicks", "quarterHours", "quarterClicks", "visitors")
      SELECT q.user_id, q.dimension_a, q.value_a, q.dimension_b, q.value_b, ${day}::date, q.kind, sum(q.clicks)::int,
        array_agg(q.quarter ORDER BY q.quarter), array_agg(q.clicks ORDER BY q.quarter),
        min(CASE q.kind WHEN 'all' THEN v.all_visitors ELSE v.human_visitors END)
      FROM pair_value_quarters q JOIN pair_value_visitors v USING (user_id, dimension_a, value_a, dimension_b, value_b)
      GROUP BY 1, 2, 3, 4, 5, 7
      ORDER BY 1, 2, 3, 4, 5, 7
      RETURNING 1
    ),
    triple_sets(mask, first, first_dimension, second, second_dimension, third, third_dimension) AS (VALUES ${Prisma.raw(tripleSets.lookup)}),
    triple_counts AS (
      SELECT user_id, s.first_dimension AS dimension_a, (ARRAY[${Prisma.raw(tripleColumnList)}])[s.first] AS value_a,
        s.second_dimension AS dimension_b, (ARRAY[${Prisma.raw(tripleColumnList)}])[s.second] AS value_b,
        s.third_dimension AS dimension_c, (ARRAY[${Prisma.raw(tripleColumnList)}])[s.third] AS value_c, t.clicks, t.human_clicks
      FROM (SELECT user_id, ${Prisma.raw(tripleColumnList)}, GROUPING(${Prisma.raw(tripleColumnList)}) AS mask, count(*)::int AS clicks,
              count(*) FILTER (WHERE NOT is_bot)::int AS human_clicks
            FROM day_clicks GROUP BY user_id, GROUPING SETS (${Prisma.raw(tripleSets.sets)})) t
        JOIN triple_sets s USING (mask)
    ),
    triple_days AS (
      INSERT INTO "AccountTripleDay" ("userId", "dimensionA", "valueA", "dimensionB", "valueB", "dimensionC", "day", "valuesC", "clicks", "humanClicks")
      SELECT user_id, dimension_a, value_a, dimension_b, value_b, dimension_c, ${day}::date,
        array_agg(value_c ORDER BY value_c), array_agg(clicks ORDER BY value_c), array_agg(human_clicks ORDER BY value_c)
      FROM triple_counts GROUP BY 1, 2, 3, 4, 5, 6
      ORDER BY 1, 2, 3, 4, 5, 6
      RETURNING 1
    ),
    -- Each visitor's first and last quarter hour of the day, of any click and of human ones (null: bots only).
    visitor_spans AS (
      SELECT user_id, min(quarter) AS first_all, max(quarter) AS last_all,
        min(quarter) FILTER (WHERE NOT is_bot) AS first_human, max(quarter) FILTER (WHERE NOT is_bot) AS last_human
      FROM day_clicks GROUP BY user_id, visitor
    ),
    span_counts AS (
      SELECT user_id, quarter, count(*) FILTER (WHERE which = 1)::int AS all_first, count(*) FILTER (WHERE which = 2)::int AS all_last,
        count(*) FILTER (WHERE which = 3)::int AS human_first, count(*) FILTER (WHERE which = 4)::int AS human_last
      FROM visitor_spans CROSS JOIN LATERAL (VALUES (1, first_all), (2, last_all), (3, first_human), (4, last_human)) AS w(which, quarter)
      WHERE quarter IS NOT NULL GROUP BY 1, 2
    ),
    -- 96 entries each, quarter hour 0 first.
    visitor_quarters AS (
      SELECT u.id AS user_id, array_agg(coalesce(c.all_first, 0) ORDER BY q) AS all_first, array_agg(coalesce(c.all_last, 0) ORDER BY q) AS all_last,
        array_agg(coalesce(c.human_first, 0) ORDER BY q) AS human_first, array_agg(coalesce(c.human_last, 0) ORDER BY q) AS human_last
      FROM unnest(${userIds}::text[]) AS u(id) CROSS JOIN generate_series(0, 95) AS q
        LEFT JOIN span_counts c ON c.user_id = u.id AND c.quarter = q
      GROUP BY 1
    ),
    compacted AS (
      INSERT INTO "AccountCompactedDay" ("userId", "day", "clicks", "compactedAt", "through", "allFirstQuarters", "allLastQuarters", "humanFirstQuarters", "humanLastQuarters")
      SELECT u.id, ${day}::date, coalesce(n.clicks, 0), now(), ${through}::timestamp, v.all_first, v.all_last, v.human_first, v.human_last
      FROM unnest(${userIds}::text[]) AS u(id) LEFT JOIN (SELECT user_id, count(*)::int AS clicks FROM day_clicks GROUP BY 1) n ON n.user_id = u.id
        JOIN visitor_quarters v ON v.user_id = u.id
      ON CONFLICT ("userId", "day") DO UPDATE SET "clicks" = excluded."clicks", "compactedAt" = excluded."compactedAt", "through" = excluded."through",
        "allFirstQuarters" = excluded."allFirstQuarters", "allLastQuarters" = excluded."allLastQuarters",
        "humanFirstQuarters" = excluded."humanFirstQuarters", "humanLastQuarters" = excluded."humanLastQuarters"
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM value_days), (SELECT count(*) FROM pair_days), (SELECT count(*) FROM pair_value_days),
      (SELECT count(*) FROM triple_days), (SELECT count(*) FROM compacted)`);
}

const quarterHourMs = 15 * 60_000;

/**
 * Compacts the open UTC day so far: its clicks before the last quarter hour that began `closeAfterMs` ago, for each
 * account whose rows do not hold exactly those (so a run every few minutes recompacts the active accounts' day with
 * the quarter hours since). A filtered view then reads the raw clicks of the last minutes only, not of the whole day
 * (at 10,000,000 clicks over 90 days, about 70,000 raw clicks took ~40 ms of every card). Once the day closes,
 * compactClosedDays compacts it whole. Returns the accounts compacted.
 */
export async function compactOpenDay(db: Database, options: Omit<CompactionOptions, "retentionDays">): Promise<CompactionResult> {
  const now = (options.now ?? new Date()).getTime();
  const closed = now - (options.closeAfterMs ?? 10 * 60_000);
  const dayStartMs = Math.floor(closed / dayMs) * dayMs;
  const throughMs = Math.floor(closed / quarterHourMs) * quarterHourMs;
  if (throughMs <= dayStartMs) return { days: 0, accountDays: 0 };
  const day = isoDay(dayStartMs);
  // A timestamp without zone, as the clicks' occurredAt.
  const through = new Date(throughMs).toISOString().replace("Z", "");
  const accountDays = await compactUnderDayLock(db, day, staleOpenDaySql(day, through), through);
  return { days: accountDays > 0 ? 1 : 0, accountDays };
}

/**
 * In one transaction under the day's advisory lock: the accounts `stale` finds (read under the lock: another worker
 * may have compacted the day meanwhile), compacted (the whole day, or before `through`). Returns how many.
 */
async function compactUnderDayLock(db: Database, day: string, stale: Prisma.Sql, through: string | null = null): Promise<number> {
  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${lockNamespace}::int, ${Date.parse(`${day}T00:00:00Z`) / dayMs}::int)`;
      const todo = await tx.$queryRaw<{ userId: string }[]>(stale);
      if (todo.length > 0)
        await compactAccountDay(
          tx,
          day,
          todo.map((row) => row.userId),
          through,
        );
      return todo.length;
    },
    { maxWait: 60_000, timeout: 30 * 60_000 },
  );
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
    accountDays += await compactUnderDayLock(db, day, staleAccountDaysSql(day, next));
  }
  return { days: days.length, accountDays };
}
