import type { analyticsQueryInput } from "@hop/validators";
import type { z } from "zod";
import { Prisma } from "@hop/db";
import type { ProtectedContext } from "../../trpc";
import { accountBucketsSql, usesAccountRollups } from "./account";
import { compactedBucketsSql, compactedPlan } from "./compacted";
import { resolvePeriod, type ResolvedPeriod } from "./period";
import { rawRangeSql, resolveScope, scopeSql } from "./scope";

export interface TimeSeriesPoint {
  /** The bucket's first instant. */
  start: Date;
  /** The same on the viewer's wall clock, "2026-11-30T14:00:00" (a chart's label). */
  local: string;
  clicks: number;
}

export interface AnalyticsTimeSeries {
  period: ResolvedPeriod;
  granularity: ResolvedPeriod["granularity"];
  /** Every bucket of the period in order, zero where nobody clicked. */
  points: TimeSeriesPoint[];
}

/**
 * Clicks per hour, day or month on the viewer's clock. The rollups' UTC
 * quarter hours each fall inside one local hour in every zone (offsets are
 * whole quarter hours), so local hours and days are exact. On a DST change a
 * skipped local hour is a zero bucket and a repeated one holds both hours.
 * Without filters the account's own quarter hours are read (96 rows a day);
 * under one filter the compacted days' quarter hours (compacted.ts).
 */
export async function analyticsTimeSeriesHandler({
  ctx,
  input,
}: {
  ctx: ProtectedContext;
  input: z.output<typeof analyticsQueryInput>;
}): Promise<AnalyticsTimeSeries> {
  const scope = await resolveScope(ctx, input);
  const period = await resolvePeriod(ctx, input.period, input.timezone);
  const tz = period.timezone;
  const unit = period.granularity;
  const step = `1 ${unit}`;
  const plan = usesAccountRollups(scope) ? null : await compactedPlan(ctx, scope, period.from, period.to);
  const source = usesAccountRollups(scope)
    ? accountBucketsSql(scope, period.from, period.to)
    : plan
      ? compactedBucketsSql(scope, plan, period.from, period.to)
      : Prisma.sql`SELECT c."occurredAt" AS bucket, 1 AS clicks FROM "Click" c WHERE ${scopeSql(scope)} AND ${rawRangeSql(period.from, period.to)}`;
  const rows = await ctx.db.$queryRaw<{ local: string; start: Date; clicks: bigint }[]>`
    WITH series AS (
      SELECT generate_series(date_trunc(${unit}, ${period.localFrom}::timestamp), ${period.localTo}::timestamp - interval '1 microsecond', ${step}::interval) AS local_start
    ),
    counts AS (
      SELECT date_trunc(${unit}, (x.bucket AT TIME ZONE 'UTC') AT TIME ZONE ${tz}) AS local_start, sum(x.clicks)::bigint AS clicks
      FROM (${source}) x GROUP BY 1
    )
    SELECT to_char(s.local_start, 'YYYY-MM-DD"T"HH24:MI:SS') AS local, s.local_start AT TIME ZONE ${tz} AS start, coalesce(c.clicks, 0)::bigint AS clicks
    FROM series s LEFT JOIN counts c ON c.local_start = s.local_start
    ORDER BY s.local_start`;
  return {
    period,
    granularity: unit,
    points: rows.map((row) => ({ start: new Date(row.start), local: row.local, clicks: Number(row.clicks) })),
  };
}
