import { pairedDimensions } from "@hop/clicks";
import { Prisma } from "@hop/db";
import type { AnalyticsDimension } from "@hop/validators";
import type { ProtectedContext } from "../../trpc";
import { type ClickScope, dimensionSql, scopeSql } from "./scope";

/**
 * A filtered view from the compacted tiers (issue 13): closed UTC days that
 * the worker's analytics.compact job compacted (AccountValueDay,
 * AccountPairDay) and that no click reached since (their compacted count
 * still equals ingestion's live count), and the raw clicks for the rest
 * of the period: the open tail since
 * the last compaction, the viewer's partial edge days, days a late click
 * reopened. So answers stay exact and live, and a closed day costs one row
 * per value instead of one per click.
 *
 * Only for filters on one dimension with "is" (one value, or several: A or
 * B); tags, "is not" and two dimensions read the raw clicks.
 */
export interface CompactedPlan {
  dimension: Exclude<AnalyticsDimension, "tag">;
  values: string[];
  /** Compacted UTC days ("2026-03-27") that touch the period, still equal to the live counts. */
  days: string[];
}

type Interval = { from: Date; to: Date };
const dayMs = 86_400_000;
const dayStart = (day: string) => Date.parse(`${day}T00:00:00Z`);
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const utc = (date: Date) => Prisma.sql`(${date.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;

/**
 * Of an AccountCompactedDay row `c`: no click reached its day since it was compacted (its count still equals
 * ingestion's live count, the day's trigger rows: every click has exactly one trigger).
 */
export const compactedCountIsLive = Prisma.sql`c.clicks = (SELECT coalesce(sum(t.clicks), 0) FROM "AccountDimensionDay" t
  WHERE t."userId" = c."userId" AND t.dimension = 'trigger' AND t.day = c.day)`;

/** The single-dimension "is" filter a compacted tier can answer, else null. */
function compactedFilter(scope: ClickScope): { dimension: Exclude<AnalyticsDimension, "tag">; values: string[] } | null {
  const [first] = scope.filters;
  if (!first || first.dimension === "tag") return null;
  if (!scope.filters.every((filter) => filter.op === "is" && filter.dimension === first.dimension)) return null;
  return { dimension: first.dimension, values: [...new Set(scope.filters.map((filter) => filter.value))] };
}

/** The plan for [from, to), or null when the scope's filters are not for the compacted tiers. */
export async function compactedPlan(ctx: ProtectedContext, scope: ClickScope, from: Date, to: Date): Promise<CompactedPlan | null> {
  const filter = compactedFilter(scope);
  if (!filter) return null;
  const rows = await ctx.db.$queryRaw<{ day: string }[]>`
    SELECT to_char(c.day, 'YYYY-MM-DD') AS day FROM "AccountCompactedDay" c
    WHERE c."userId" = ${scope.userId} AND c.day >= ${isoDay(Math.floor(from.getTime() / dayMs) * dayMs)}::date AND c.day < ${isoDay(to.getTime())}::date + 1
      AND ${compactedCountIsLive}
    ORDER BY 1`;
  return { ...filter, days: rows.map((row) => row.day) };
}

/** The compacted days that lie wholly inside [from, to). */
function wholeDays(plan: CompactedPlan, from: Date, to: Date): string[] {
  return plan.days.filter((day) => dayStart(day) >= from.getTime() && dayStart(day) + dayMs <= to.getTime());
}

/** [from, to) without the given UTC days, as ordered intervals. */
function uncovered(from: Date, to: Date, days: string[]): Interval[] {
  const intervals: Interval[] = [];
  let cursor = from.getTime();
  for (const day of [...days].sort()) {
    const start = Math.max(dayStart(day), from.getTime());
    const end = Math.min(dayStart(day) + dayMs, to.getTime());
    if (end <= start) continue;
    if (start > cursor) intervals.push({ from: new Date(cursor), to: new Date(start) });
    cursor = Math.max(cursor, end);
  }
  if (cursor < to.getTime()) intervals.push({ from: new Date(cursor), to });
  return intervals;
}

/** [from, to) within the given UTC days, as intervals. */
function covered(from: Date, to: Date, days: string[]): Interval[] {
  return days
    .map((day) => ({ from: new Date(Math.max(dayStart(day), from.getTime())), to: new Date(Math.min(dayStart(day) + dayMs, to.getTime())) }))
    .filter((interval) => interval.from < interval.to);
}

/** `column` in any of the intervals (FALSE for none): one index range each. */
function inIntervals(column: string, intervals: Interval[]): Prisma.Sql {
  if (intervals.length === 0) return Prisma.sql`FALSE`;
  const name = Prisma.raw(column);
  return Prisma.sql`(${Prisma.join(
    intervals.map((interval) => Prisma.sql`(${name} >= ${utc(interval.from)} AND ${name} < ${utc(interval.to)})`),
    " OR ",
  )})`;
}

const kindOf = (scope: ClickScope) => (scope.includeBots ? "all" : "human");
const botsSql = (scope: ClickScope, column: string) => (scope.includeBots ? Prisma.sql`TRUE` : Prisma.raw(`NOT ${column}`));

/** The account's soft-deleted links' clicks inside `intervals` that match the filter: counted in the compacted rows, to subtract. */
function deletedClicks(scope: ClickScope, plan: CompactedPlan, intervals: Interval[], select: Prisma.Sql): Prisma.Sql | null {
  if (scope.deletedLinkIds.length === 0 || intervals.length === 0) return null;
  return Prisma.sql`SELECT ${select} FROM "Click" c
    WHERE c."linkId" = ANY(${scope.deletedLinkIds}::text[]) AND ${botsSql(scope, `c."isBot"`)}
      AND ${dimensionSql(plan.dimension)} = ANY(${plan.values}::text[]) AND ${inIntervals(`c."occurredAt"`, intervals)}`;
}

/**
 * (bucket, clicks) of the filtered clicks in [from, to): compacted quarter hours, the rest each click at its own instant
 * (a viewer's hour or day holds a click exactly when it holds its quarter hour). `bucket` is UTC without zone.
 */
export function compactedBucketsSql(scope: ClickScope, plan: CompactedPlan, from: Date, to: Date): Prisma.Sql {
  const bucket = Prisma.sql`(v.day + q.quarter * interval '15 minutes')`;
  const parts = [
    Prisma.sql`SELECT ${bucket} AS bucket, q.clicks FROM "AccountValueDay" v
      CROSS JOIN LATERAL unnest(v."quarterHours", v."quarterClicks") AS q(quarter, clicks)
      WHERE v."userId" = ${scope.userId} AND v.dimension = ${plan.dimension} AND v.value = ANY(${plan.values}::text[]) AND v.kind = ${kindOf(scope)}
        AND v.day = ANY(${plan.days}::date[]) AND ${bucket} >= ${utc(from)} AND ${bucket} < ${utc(to)}`,
    Prisma.sql`SELECT c."occurredAt", 1 FROM "Click" c
      WHERE ${scopeSql(scope)} AND ${inIntervals(`c."occurredAt"`, uncovered(from, to, plan.days))}`,
  ];
  const deleted = deletedClicks(scope, plan, covered(from, to, plan.days), Prisma.sql`c."occurredAt", -1`);
  if (deleted) parts.push(deleted);
  return Prisma.join(parts, " UNION ALL ");
}

/**
 * (value, clicks) rows of `dimension` under the filter in [from, to), to be summed by value (`tag` reads `link`;
 * the caller joins the tags), or null when no compacted tier pairs the two dimensions.
 */
export function compactedTopSql(
  scope: ClickScope,
  plan: CompactedPlan,
  dimension: Exclude<AnalyticsDimension, "tag">,
  from: Date,
  to: Date,
): Prisma.Sql | null {
  const days = wholeDays(plan, from, to);
  const paired = (name: string) => (pairedDimensions as readonly string[]).includes(name);
  let compacted: Prisma.Sql;
  if (dimension === plan.dimension) {
    compacted = Prisma.sql`SELECT v.value, v.clicks FROM "AccountValueDay" v
      WHERE v."userId" = ${scope.userId} AND v.dimension = ${plan.dimension} AND v.value = ANY(${plan.values}::text[]) AND v.kind = ${kindOf(scope)}
        AND v.day = ANY(${days}::date[])`;
  } else if (paired(dimension) && paired(plan.dimension)) {
    // A row per filtered value and day, the second dimension's values and clicks as arrays.
    compacted = Prisma.sql`SELECT b.value, b.clicks FROM "AccountPairDay" p
      CROSS JOIN LATERAL unnest(p."valuesB", ${Prisma.raw(scope.includeBots ? `p.clicks` : `p."humanClicks"`)}) AS b(value, clicks)
      WHERE p."userId" = ${scope.userId} AND p."dimensionA" = ${plan.dimension} AND p."valueA" = ANY(${plan.values}::text[])
        AND p."dimensionB" = ${dimension} AND p.day = ANY(${days}::date[])`;
  } else {
    return null;
  }
  const value = dimensionSql(dimension);
  const parts = [
    compacted,
    Prisma.sql`SELECT ${value} AS value, 1 FROM "Click" c
      WHERE ${scopeSql(scope)} AND ${inIntervals(`c."occurredAt"`, uncovered(from, to, days))}`,
  ];
  const deleted = deletedClicks(scope, plan, covered(from, to, days), Prisma.sql`${value}, -1`);
  if (deleted) parts.push(deleted);
  return Prisma.join(parts, " UNION ALL ");
}

/**
 * Distinct visitors under the filter in [from, to): each whole compacted day's own count (the visitor hash rotates
 * every UTC day, so days add up), the rest from the raw clicks of those hours. Null (the caller counts the raw
 * clicks of the whole period) for several values (a visitor of A and of B on one day would count twice) or when a
 * soft-deleted link has matching clicks on a compacted day (its visitors cannot be taken out of the count).
 */
export async function compactedUniqueVisitors(ctx: ProtectedContext, scope: ClickScope, plan: CompactedPlan, from: Date, to: Date): Promise<number | null> {
  if (plan.values.length !== 1) return null;
  const days = wholeDays(plan, from, to);
  const deleted = deletedClicks(scope, plan, covered(from, to, days), Prisma.sql`1`);
  if (deleted) {
    const [found] = await ctx.db.$queryRaw<{ found: boolean }[]>`SELECT EXISTS (${deleted}) AS found`;
    if (found?.found) return null;
  }
  const [row] = await ctx.db.$queryRaw<{ visitors: bigint }[]>`
    SELECT (
      (SELECT coalesce(sum(v.visitors), 0) FROM "AccountValueDay" v
        WHERE v."userId" = ${scope.userId} AND v.dimension = ${plan.dimension} AND v.value = ANY(${plan.values}::text[]) AND v.kind = ${kindOf(scope)}
          AND v.day = ANY(${days}::date[]))
      + (SELECT count(DISTINCT c."visitorHash") FROM "Click" c
        WHERE ${scopeSql(scope)} AND ${inIntervals(`c."occurredAt"`, uncovered(from, to, days))})
    )::bigint AS visitors`;
  return Number(row?.visitors ?? 0);
}
