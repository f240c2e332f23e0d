import { filterPairDimensions, pairedDimensions } from "@hop/clicks";
import { Prisma } from "@hop/db";
import type { AnalyticsDimension } from "@hop/validators";
import type { ProtectedContext } from "../../trpc";
import { type ClickScope, dimensionSql, scopeSql } from "./scope";

/**
 * A filtered view from the compacted tiers (issue 13): closed UTC days that
 * the worker's analytics.compact job compacted (AccountValueDay and
 * AccountPairDay for one filter, AccountPairValueDay and AccountTripleDay for
 * two) and that no click reached since (their compacted count still equals
 * ingestion's live count), and the raw clicks for the rest of the period: the
 * open tail since the last compaction, the viewer's partial edge days, days a
 * late click reopened. So answers stay exact and live, and a closed day costs
 * one row per value instead of one per click.
 *
 * Only for "is" filters (one value, or several: A or B) on one dimension, or
 * on two of filterPairDimensions; tags, "is not", other pairs and three
 * dimensions read the raw clicks.
 */
export interface CompactedFilter {
  dimension: Exclude<AnalyticsDimension, "tag">;
  values: string[];
}

/** A compacted UTC day's clicks: [from, to) is the whole day, or for the open day the part compacted so far. */
export interface CompactedSpan {
  /** The day ("2026-03-27"), the tiers' key. */
  day: string;
  from: number;
  to: number;
}

export interface CompactedPlan {
  /** One filter, or two (in filterPairDimensions' order, as the pair tiers store them). */
  filters: [CompactedFilter] | [CompactedFilter, CompactedFilter];
  /** Compacted spans that touch the period, still equal to the live counts, in time order. */
  spans: CompactedSpan[];
}

type Interval = { from: Date; to: Date };
const dayMs = 86_400_000;
const dayStart = (day: string) => Date.parse(`${day}T00:00:00Z`);
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const utc = (date: Date) => Prisma.sql`(${date.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;

/**
 * Of an AccountCompactedDay row `c`: a closed day compacted whole, and no click reached it since (its count still
 * equals ingestion's live count, the day's trigger rows: every click has exactly one trigger).
 */
export const compactedCountIsLive = Prisma.sql`c.through IS NULL AND c.clicks = (SELECT coalesce(sum(t.clicks), 0) FROM "AccountDimensionDay" t
  WHERE t."userId" = c."userId" AND t.dimension = 'trigger' AND t.day = c.day)`;

/** Of an AccountCompactedDay row `c` of the open day: no click reached its compacted part since (the quarter hours' live count). */
const openDayCountIsLive = Prisma.sql`c.through IS NOT NULL AND c.clicks = (SELECT coalesce(sum(b.clicks), 0) FROM "AccountClickBucket" b
  WHERE b."userId" = c."userId" AND b.bucket >= c.day AND b.bucket < c.through)`;

/** Whether the pair tiers hold `dimension` (as a card under one filter, or as the third dimension under two). */
const isPaired = (dimension: string) => (pairedDimensions as readonly string[]).includes(dimension);
const pairRank = (dimension: string) => (filterPairDimensions as readonly string[]).indexOf(dimension);

/** The "is" filters a compacted tier can answer (one dimension, or two of filterPairDimensions), else null. */
function compactedFilters(scope: ClickScope): CompactedPlan["filters"] | null {
  const byDimension = new Map<Exclude<AnalyticsDimension, "tag">, Set<string>>();
  for (const filter of scope.filters) {
    if (filter.op !== "is" || filter.dimension === "tag") return null;
    byDimension.set(filter.dimension, (byDimension.get(filter.dimension) ?? new Set()).add(filter.value));
  }
  const filters = [...byDimension].map(([dimension, values]) => ({ dimension, values: [...values] }));
  const [first, second] = filters;
  if (!first || filters.length > 2) return null;
  if (!second) return [first];
  if (pairRank(first.dimension) < 0 || pairRank(second.dimension) < 0) return null;
  return pairRank(first.dimension) < pairRank(second.dimension) ? [first, second] : [second, first];
}

/** The plan for [from, to), or null when the scope's filters are not for the compacted tiers. */
export async function compactedPlan(ctx: ProtectedContext, scope: ClickScope, from: Date, to: Date): Promise<CompactedPlan | null> {
  const filters = compactedFilters(scope);
  if (!filters) return null;
  const rows = await ctx.db.$queryRaw<{ day: string; through: Date | null }[]>`
    SELECT to_char(c.day, 'YYYY-MM-DD') AS day, c.through FROM "AccountCompactedDay" c
    WHERE c."userId" = ${scope.userId} AND c.day >= ${isoDay(Math.floor(from.getTime() / dayMs) * dayMs)}::date AND c.day < ${isoDay(to.getTime())}::date + 1
      AND (${compactedCountIsLive} OR ${openDayCountIsLive})
    ORDER BY 1`;
  const spans = rows.map(({ day, through }) => ({ day, from: dayStart(day), to: through ? through.getTime() : dayStart(day) + dayMs }));
  return { filters, spans };
}

/** The compacted spans that lie wholly inside [from, to) (their tier rows count only clicks of the period). */
function wholeSpans(plan: CompactedPlan, from: Date, to: Date): CompactedSpan[] {
  return plan.spans.filter((span) => span.from >= from.getTime() && span.to <= to.getTime());
}

const daysOf = (spans: CompactedSpan[]) => spans.map((span) => span.day);

/** [from, to) without the given spans (in time order), as ordered intervals. */
function uncovered(from: Date, to: Date, spans: CompactedSpan[]): Interval[] {
  const intervals: Interval[] = [];
  let cursor = from.getTime();
  for (const span of spans) {
    const start = Math.max(span.from, from.getTime());
    const end = Math.min(span.to, to.getTime());
    if (end <= start) continue;
    if (start > cursor) intervals.push({ from: new Date(cursor), to: new Date(start) });
    cursor = Math.max(cursor, end);
  }
  if (cursor < to.getTime()) intervals.push({ from: new Date(cursor), to });
  return intervals;
}

/** [from, to) within the given spans, as intervals. */
function covered(from: Date, to: Date, spans: CompactedSpan[]): Interval[] {
  return spans
    .map((span) => ({ from: new Date(Math.max(span.from, from.getTime())), to: new Date(Math.min(span.to, to.getTime())) }))
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

/** The account's soft-deleted links' clicks inside `intervals` that match the filters: counted in the compacted rows, to subtract. */
function deletedClicks(scope: ClickScope, plan: CompactedPlan, intervals: Interval[], select: Prisma.Sql): Prisma.Sql | null {
  if (scope.deletedLinkIds.length === 0 || intervals.length === 0) return null;
  const filtered = plan.filters.map((filter) => Prisma.sql`${dimensionSql(filter.dimension)} = ANY(${filter.values}::text[])`);
  return Prisma.sql`SELECT ${select} FROM "Click" c
    WHERE c."linkId" = ANY(${scope.deletedLinkIds}::text[]) AND ${botsSql(scope, `c."isBot"`)}
      AND ${Prisma.join(filtered, " AND ")} AND ${inIntervals(`c."occurredAt"`, intervals)}`;
}

/**
 * The compacted rows of the filtered values on `days`, as `FROM ... WHERE ...` over alias `v`, whose columns are
 * clicks, "quarterHours", "quarterClicks" and visitors: AccountValueDay's for one filter, AccountPairValueDay's for two.
 */
function valueRowsSql(scope: ClickScope, plan: CompactedPlan, days: string[]): Prisma.Sql {
  const [first, second] = plan.filters;
  const kept = Prisma.sql`v."userId" = ${scope.userId} AND v.kind = ${kindOf(scope)} AND v.day = ANY(${days}::date[])`;
  if (!second) {
    return Prisma.sql`"AccountValueDay" v WHERE ${kept} AND v.dimension = ${first.dimension} AND v.value = ANY(${first.values}::text[])`;
  }
  return Prisma.sql`"AccountPairValueDay" v WHERE ${kept} AND v."dimensionA" = ${first.dimension} AND v."valueA" = ANY(${first.values}::text[])
    AND v."dimensionB" = ${second.dimension} AND v."valueB" = ANY(${second.values}::text[])`;
}

/**
 * (bucket, clicks) of the filtered clicks in [from, to): compacted quarter hours, the rest each click at its own instant
 * (a viewer's hour or day holds a click exactly when it holds its quarter hour). `bucket` is UTC without zone.
 */
export function compactedBucketsSql(scope: ClickScope, plan: CompactedPlan, from: Date, to: Date): Prisma.Sql {
  const bucket = Prisma.sql`(v.day + q.quarter * interval '15 minutes')`;
  const rows = valueRowsSql(scope, plan, daysOf(plan.spans));
  const parts = [
    Prisma.sql`SELECT ${bucket} AS bucket, q.clicks FROM (SELECT v.day, v."quarterHours", v."quarterClicks" FROM ${rows}) v
      CROSS JOIN LATERAL unnest(v."quarterHours", v."quarterClicks") AS q(quarter, clicks)
      WHERE ${bucket} >= ${utc(from)} AND ${bucket} < ${utc(to)}`,
    Prisma.sql`SELECT c."occurredAt", 1 FROM "Click" c
      WHERE ${scopeSql(scope)} AND ${inIntervals(`c."occurredAt"`, uncovered(from, to, plan.spans))}`,
  ];
  const deleted = deletedClicks(scope, plan, covered(from, to, plan.spans), Prisma.sql`c."occurredAt", -1`);
  if (deleted) parts.push(deleted);
  return Prisma.join(parts, " UNION ALL ");
}

/** The compacted (value, clicks) rows of `dimension` on `days` under the plan's filters, or null when no tier holds them. */
function compactedValuesSql(scope: ClickScope, plan: CompactedPlan, dimension: Exclude<AnalyticsDimension, "tag">, days: string[]): Prisma.Sql | null {
  const [first, second] = plan.filters;
  const clicks = Prisma.raw(scope.includeBots ? `p.clicks` : `p."humanClicks"`);
  if (!second) {
    if (dimension === first.dimension) return Prisma.sql`SELECT v.value, v.clicks FROM ${valueRowsSql(scope, plan, days)}`;
    if (!isPaired(dimension) || !isPaired(first.dimension)) return null;
    // A row per filtered value and day, the second dimension's values and clicks as arrays.
    return Prisma.sql`SELECT b.value, b.clicks FROM "AccountPairDay" p CROSS JOIN LATERAL unnest(p."valuesB", ${clicks}) AS b(value, clicks)
      WHERE p."userId" = ${scope.userId} AND p."dimensionA" = ${first.dimension} AND p."valueA" = ANY(${first.values}::text[])
        AND p."dimensionB" = ${dimension} AND p.day = ANY(${days}::date[])`;
  }
  // Two filters: a filtered dimension's own card holds its filter values; any other from the triples, if they hold it.
  if (dimension === first.dimension) return Prisma.sql`SELECT v."valueA" AS value, v.clicks FROM ${valueRowsSql(scope, plan, days)}`;
  if (dimension === second.dimension) return Prisma.sql`SELECT v."valueB" AS value, v.clicks FROM ${valueRowsSql(scope, plan, days)}`;
  if (!isPaired(dimension)) return null;
  return Prisma.sql`SELECT t.value, t.clicks FROM "AccountTripleDay" p CROSS JOIN LATERAL unnest(p."valuesC", ${clicks}) AS t(value, clicks)
    WHERE p."userId" = ${scope.userId} AND p."dimensionA" = ${first.dimension} AND p."valueA" = ANY(${first.values}::text[])
      AND p."dimensionB" = ${second.dimension} AND p."valueB" = ANY(${second.values}::text[]) AND p."dimensionC" = ${dimension}
      AND p.day = ANY(${days}::date[])`;
}

/**
 * (value, clicks) rows of `dimension` under the filters in [from, to), to be summed by value (`tag` reads `link`;
 * the caller joins the tags), or null when no compacted tier holds `dimension` under them.
 */
export function compactedTopSql(
  scope: ClickScope,
  plan: CompactedPlan,
  dimension: Exclude<AnalyticsDimension, "tag">,
  from: Date,
  to: Date,
): Prisma.Sql | null {
  const spans = cardSpans(plan, from, to);
  const compacted = compactedValuesSql(scope, plan, dimension, daysOf(spans));
  if (!compacted) return null;
  const value = dimensionSql(dimension);
  const parts = [
    compacted,
    Prisma.sql`SELECT ${value} AS value, 1 FROM "Click" c
      WHERE ${scopeSql(scope)} AND ${inIntervals(`c."occurredAt"`, uncovered(from, to, spans))}`,
  ];
  // An edge span's clicks outside the period, taken back out of its rows.
  const outside = spans
    .flatMap((span) => [
      { from: new Date(span.from), to: new Date(Math.min(span.to, from.getTime())) },
      { from: new Date(Math.max(span.from, to.getTime())), to: new Date(span.to) },
    ])
    .filter((interval) => interval.from < interval.to);
  if (outside.length > 0) {
    parts.push(Prisma.sql`SELECT ${value} AS value, -1 FROM "Click" c WHERE ${scopeSql(scope)} AND ${inIntervals(`c."occurredAt"`, outside)}`);
  }
  // The rows count the soft-deleted links' clicks of whole spans, edges included.
  const whole = spans.map((span) => ({ from: new Date(span.from), to: new Date(span.to) }));
  const deleted = deletedClicks(scope, plan, whole, Prisma.sql`${value}, -1`);
  if (deleted) parts.push(deleted);
  return Prisma.join(parts, " UNION ALL ");
}

/**
 * The spans a card reads from the tiers: those wholly inside [from, to), and at the period's edges those more inside
 * than outside it, whose clicks outside are then counted from the raw clicks and subtracted (a card's tier rows are
 * per day, with no quarter hours): a zone's local midnight cuts a UTC day anywhere, and this way an edge costs the raw
 * clicks of at most half a day instead of up to a whole one.
 */
function cardSpans(plan: CompactedPlan, from: Date, to: Date): CompactedSpan[] {
  return plan.spans.filter((span) => {
    const inside = Math.min(span.to, to.getTime()) - Math.max(span.from, from.getTime());
    return inside > 0 && inside > span.to - span.from - inside;
  });
}

/**
 * Distinct visitors under the filter in [from, to): each whole compacted day's own count (the visitor hash rotates
 * every UTC day, so days add up), the rest from the raw clicks of those hours. Null (the caller counts the raw
 * clicks of the whole period) for several values (a visitor of A and of B on one day would count twice) or when a
 * soft-deleted link has matching clicks on a compacted day (its visitors cannot be taken out of the count).
 */
export async function compactedUniqueVisitors(ctx: ProtectedContext, scope: ClickScope, plan: CompactedPlan, from: Date, to: Date): Promise<number | null> {
  if (plan.filters.some((filter) => filter.values.length !== 1)) return null;
  // Whole days only: the visitor hash holds for a UTC day, so a visitor of the open day's compacted part who came
  // back since would count again among the raw clicks of the rest of that day.
  const spans = wholeSpans(plan, from, to).filter((span) => span.to - span.from === dayMs);
  const days = daysOf(spans);
  const deleted = deletedClicks(scope, plan, covered(from, to, spans), Prisma.sql`1`);
  if (deleted) {
    const [found] = await ctx.db.$queryRaw<{ found: boolean }[]>`SELECT EXISTS (${deleted}) AS found`;
    if (found?.found) return null;
  }
  const [row] = await ctx.db.$queryRaw<{ visitors: bigint }[]>`
    SELECT (
      (SELECT coalesce(sum(v.visitors), 0) FROM ${valueRowsSql(scope, plan, days)})
      + (SELECT count(DISTINCT c."visitorHash") FROM "Click" c
        WHERE ${scopeSql(scope)} AND ${inIntervals(`c."occurredAt"`, uncovered(from, to, spans))})
    )::bigint AS visitors`;
  return Number(row?.visitors ?? 0);
}
