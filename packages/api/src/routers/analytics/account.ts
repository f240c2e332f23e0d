import { Prisma } from "@hop/db";
import type { AnalyticsDimension } from "@hop/validators";
import { compactedCountIsLive } from "./compacted";
import { type ClickScope, dimensionSql, rawRangeSql } from "./scope";

/**
 * The account-wide view from the per-account rollups (issue 13): rows bounded
 * by time buckets x distinct values, never by clicks. Only for a scope
 * without filters (filters go to the compacted tiers or the raw clicks); the
 * clicks of the account's soft-deleted links are subtracted from their raw
 * clicks (an index range per deleted link), so the answers stay exact.
 */
export function usesAccountRollups(scope: ClickScope): boolean {
  return scope.filters.length === 0;
}

const dayMs = 86_400_000;
const quarterMs = 900_000;

/** An instant as the rollups' UTC timestamp without zone. */
const utc = (date: Date) => Prisma.sql`(${date.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;

/**
 * [from, to) as whole UTC days (read from the daily table) and the partial
 * edges in quarter hours: a 90-day period touches about 90 rows per value
 * plus the edges (the viewer's midnight need not be UTC's).
 */
export function splitByUtcDays(from: Date, to: Date): { days: { from: string; to: string } | null; edges: Array<{ from: Date; to: Date }> } {
  const firstDay = Math.ceil(from.getTime() / dayMs) * dayMs;
  const lastDay = Math.floor(to.getTime() / dayMs) * dayMs;
  if (firstDay > lastDay) return { days: null, edges: [{ from, to }] };
  // Each edge lies within one UTC day (edgeDimensionSql reads it from that day's rows), also when no whole day lies between.
  const edges = [
    { from, to: new Date(firstDay) },
    { from: new Date(lastDay), to },
  ].filter((edge) => edge.from.getTime() < edge.to.getTime());
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { days: firstDay < lastDay ? { from: day(firstDay), to: day(lastDay) } : null, edges };
}

function botsSql(scope: ClickScope, alias: string): Prisma.Sql {
  return scope.includeBots ? Prisma.sql`TRUE` : Prisma.raw(`NOT ${alias}."isBot"`);
}

/** The raw clicks of the account's soft-deleted links in [from, to), to subtract. */
function deletedClicksSql(scope: ClickScope, from: Date, to: Date): Prisma.Sql {
  return Prisma.sql`c."linkId" = ANY(${scope.deletedLinkIds}::text[]) AND ${botsSql(scope, "c")} AND ${rawRangeSql(from, to)}`;
}

/** (bucket, clicks) of [from, to): the account's quarter hours, minus its deleted links' clicks. `bucket` is UTC without zone. */
export function accountBucketsSql(scope: ClickScope, from: Date, to: Date): Prisma.Sql {
  const own = Prisma.sql`SELECT a.bucket, a.clicks FROM "AccountClickBucket" a
    WHERE a."userId" = ${scope.userId} AND ${botsSql(scope, "a")} AND a.bucket >= ${utc(from)} AND a.bucket < ${utc(to)}`;
  if (scope.deletedLinkIds.length === 0) return own;
  // A click's own instant, not its quarter hour: a viewer's hour or day holds the one exactly when it holds the other.
  return Prisma.sql`${own} UNION ALL SELECT c."occurredAt", -1 FROM "Click" c WHERE ${deletedClicksSql(scope, from, to)}`;
}

/** The UTC day [start, start + 1 day) that holds a partial edge, and the edge's quarter hours in it: [first, last). */
function edgeDay(edge: { from: Date; to: Date }): { day: string; start: Date; end: Date; first: number; last: number } {
  const start = Math.floor(edge.from.getTime() / dayMs) * dayMs;
  // A quarter hour counts where its start lies in the edge, as the quarter-hour rows' `bucket >= from AND bucket < to` does.
  const quarter = (date: Date) => Math.ceil((date.getTime() - start) / quarterMs);
  return {
    day: new Date(start).toISOString().slice(0, 10),
    start: new Date(start),
    end: new Date(start + dayMs),
    first: quarter(edge.from),
    last: quarter(edge.to),
  };
}

/**
 * TRUE when the edge's UTC day has no clicks (of the kind asked) outside the edge: then the edge holds all of the day's
 * clicks and visitors, and the day's own rows answer for it. The presets' last edge is one (the rest of that UTC day
 * lies after the end of the viewer's today), and so is any edge of a day whose clicks all fall inside it. Read in the
 * same statement as the rows it chooses: ingestion writes the account's quarter hours and its daily rows in one.
 */
export function edgeHoldsWholeDaySql(scope: ClickScope, edge: { from: Date; to: Date }): Prisma.Sql {
  const { start, end } = edgeDay(edge);
  return Prisma.sql`NOT EXISTS (SELECT 1 FROM "AccountClickBucket" a
    WHERE a."userId" = ${scope.userId} AND ${botsSql(scope, "a")} AND a.clicks <> 0
      AND ((a.bucket >= ${utc(start)} AND a.bucket < ${utc(edge.from)}) OR (a.bucket >= ${utc(edge.to)} AND a.bucket < ${utc(end)})))`;
}

/** TRUE when the worker compacted the UTC day and no click reached it since (its compacted count still equals the live one). */
export function compactedDaySql(scope: ClickScope, day: string): Prisma.Sql {
  return Prisma.sql`EXISTS (SELECT 1 FROM "AccountCompactedDay" c
    WHERE c."userId" = ${scope.userId} AND c.day = ${day}::date AND ${compactedCountIsLive})`;
}

/**
 * (value, clicks) of one dimension in a partial edge day, from the cheapest rows that are exact for it (the conditions are
 * uncorrelated, so PostgreSQL evaluates each once and skips the scans of the branches not taken): the day's own rows
 * when the edge holds all its clicks; else, on a compacted day, the value rows' quarter-hour arrays (a row per value
 * instead of one per value and quarter hour); else (compaction behind, or a late click reopened the day) the edge's raw
 * clicks, deleted links' included: the caller subtracts those from every part.
 */
function edgeDimensionSql(scope: ClickScope, dimension: Exclude<AnalyticsDimension, "tag">, edge: { from: Date; to: Date }): Prisma.Sql {
  const { day, first, last } = edgeDay(edge);
  const whole = edgeHoldsWholeDaySql(scope, edge);
  const compacted = compactedDaySql(scope, day);
  return Prisma.sql`SELECT d.value, d.clicks FROM "AccountDimensionDay" d
      WHERE ${whole} AND d."userId" = ${scope.userId} AND d.dimension = ${dimension} AND ${botsSql(scope, "d")} AND d.day = ${day}::date
    UNION ALL
    SELECT v.value, q.clicks FROM "AccountValueDay" v
      CROSS JOIN LATERAL (SELECT sum(u.clicks)::bigint AS clicks FROM unnest(v."quarterHours", v."quarterClicks") AS u(quarter, clicks)
        WHERE u.quarter >= ${first}::int AND u.quarter < ${last}::int) q
      WHERE NOT ${whole} AND ${compacted} AND v."userId" = ${scope.userId} AND v.dimension = ${dimension}
        AND v.kind = ${scope.includeBots ? "all" : "human"} AND v.day = ${day}::date AND q.clicks IS NOT NULL
    UNION ALL
    SELECT ${dimensionSql(dimension)}, 1 FROM "Click" c
      WHERE NOT ${whole} AND NOT ${compacted} AND c."linkId" IN (SELECT id FROM "Link" WHERE "userId" = ${scope.userId}) AND ${botsSql(scope, "c")}
        AND ${rawRangeSql(edge.from, edge.to)}`;
}

/**
 * (value, clicks) rows of one dimension in [from, to), to be summed by value: whole UTC days from the daily table,
 * the partial edges as edgeDimensionSql reads them, minus the deleted links' clicks. `tag` is read as `link` (the caller
 * joins the tags).
 */
export function accountDimensionSql(scope: ClickScope, dimension: Exclude<AnalyticsDimension, "tag">, from: Date, to: Date): Prisma.Sql {
  const { days, edges } = splitByUtcDays(from, to);
  const parts: Prisma.Sql[] = [];
  if (days) {
    parts.push(Prisma.sql`SELECT d.value, d.clicks FROM "AccountDimensionDay" d
      WHERE d."userId" = ${scope.userId} AND d.dimension = ${dimension} AND ${botsSql(scope, "d")}
        AND d.day >= ${days.from}::date AND d.day < ${days.to}::date`);
  }
  for (const edge of edges) parts.push(edgeDimensionSql(scope, dimension, edge));
  if (scope.deletedLinkIds.length > 0) {
    parts.push(Prisma.sql`SELECT ${dimensionSql(dimension)}, -1 FROM "Click" c WHERE ${deletedClicksSql(scope, from, to)}`);
  }
  return Prisma.join(parts, " UNION ALL ");
}
