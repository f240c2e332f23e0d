import { Prisma } from "@hop/db";
import type { AnalyticsDimension } from "@hop/validators";
import { type ClickScope, dimensionSql, rollupRangeSql } from "./scope";

/**
 * The account-wide view from the per-account rollups (issue 13): rows bounded
 * by time buckets x distinct values, never by clicks. Only for a scope
 * without filters (any filter goes to the per-link ClickRollup); the clicks of
 * the account's soft-deleted links are subtracted from their own per-link
 * rows (an index range per deleted link), so the answers stay exact.
 */
export function usesAccountRollups(scope: ClickScope): boolean {
  return scope.filters.length === 0;
}

const dayMs = 86_400_000;

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
  if (firstDay >= lastDay) return { days: null, edges: [{ from, to }] };
  const edges = [
    { from, to: new Date(firstDay) },
    { from: new Date(lastDay), to },
  ].filter((edge) => edge.from.getTime() < edge.to.getTime());
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { days: { from: day(firstDay), to: day(lastDay) }, edges };
}

function botsSql(scope: ClickScope, alias: string): Prisma.Sql {
  return scope.includeBots ? Prisma.sql`TRUE` : Prisma.raw(`NOT ${alias}."isBot"`);
}

/** The per-link rows of the account's soft-deleted links in [from, to), to subtract. */
function deletedRowsSql(scope: ClickScope, from: Date, to: Date): Prisma.Sql {
  return Prisma.sql`r."linkId" = ANY(${scope.deletedLinkIds}::text[]) AND ${botsSql(scope, "r")} AND ${rollupRangeSql(from, to)}`;
}

/** (bucket, clicks) of [from, to): the account's quarter hours, minus its deleted links' rows. `bucket` is UTC without zone. */
export function accountBucketsSql(scope: ClickScope, from: Date, to: Date): Prisma.Sql {
  const own = Prisma.sql`SELECT a.bucket, a.clicks FROM "AccountClickBucket" a
    WHERE a."userId" = ${scope.userId} AND ${botsSql(scope, "a")} AND a.bucket >= ${utc(from)} AND a.bucket < ${utc(to)}`;
  if (scope.deletedLinkIds.length === 0) return own;
  return Prisma.sql`${own} UNION ALL SELECT r.bucket, -r.clicks FROM "ClickRollup" r WHERE ${deletedRowsSql(scope, from, to)}`;
}

/**
 * (value, clicks) rows of one dimension in [from, to), to be summed by value: whole UTC days from the daily table,
 * the edges from the quarter hours, minus the deleted links' rows. `tag` is read as `link` (the caller joins the tags).
 */
export function accountDimensionSql(scope: ClickScope, dimension: Exclude<AnalyticsDimension, "tag">, from: Date, to: Date): Prisma.Sql {
  const { days, edges } = splitByUtcDays(from, to);
  const parts: Prisma.Sql[] = [];
  if (days) {
    parts.push(Prisma.sql`SELECT d.value, d.clicks FROM "AccountDimensionDay" d
      WHERE d."userId" = ${scope.userId} AND d.dimension = ${dimension} AND ${botsSql(scope, "d")}
        AND d.day >= ${days.from}::date AND d.day < ${days.to}::date`);
  }
  for (const edge of edges) {
    parts.push(Prisma.sql`SELECT b.value, b.clicks FROM "AccountDimensionBucket" b
      WHERE b."userId" = ${scope.userId} AND b.dimension = ${dimension} AND ${botsSql(scope, "b")}
        AND b.bucket >= ${utc(edge.from)} AND b.bucket < ${utc(edge.to)}`);
  }
  if (scope.deletedLinkIds.length > 0) {
    parts.push(Prisma.sql`SELECT ${dimensionSql(dimension, "rollup")}, -r.clicks FROM "ClickRollup" r WHERE ${deletedRowsSql(scope, from, to)}`);
  }
  return Prisma.join(parts, " UNION ALL ");
}
