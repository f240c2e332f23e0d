import type { analyticsQueryInput } from "@hop/validators";
import type { z } from "zod";
import type { ProtectedContext } from "../../trpc";
import { resolvePeriod, type ResolvedPeriod } from "./period";
import { rawRangeSql, rollupRangeSql, scopeSql, type ClickScope, resolveScope } from "./scope";

export interface PeriodTotals {
  clicks: number;
  /** Distinct visitors, a visitor being counted once per UTC day (the visitor hash rotates daily, by design). */
  uniqueVisitors: number;
}

/** Clicks from the rollups; unique visitors from the raw clicks' daily hashes (exact, for any filter and zone). */
export async function periodTotals(ctx: ProtectedContext, scope: ClickScope, from: Date, to: Date): Promise<PeriodTotals> {
  const [clicks] = await ctx.db.$queryRaw<{ clicks: bigint | null }[]>`
    SELECT sum(r.clicks)::bigint AS clicks FROM "ClickRollup" r WHERE ${scopeSql(scope, "rollup")} AND ${rollupRangeSql(from, to)}`;
  const [visitors] = await ctx.db.$queryRaw<{ visitors: bigint }[]>`
    SELECT count(DISTINCT c."visitorHash")::bigint AS visitors FROM "Click" c WHERE ${scopeSql(scope, "raw")} AND ${rawRangeSql(from, to)}`;
  return { clicks: Number(clicks?.clicks ?? 0), uniqueVisitors: Number(visitors?.visitors ?? 0) };
}

export interface AnalyticsTotals extends PeriodTotals {
  period: ResolvedPeriod;
  /** The period of the same length just before; null for all time. */
  previous: (PeriodTotals & { from: Date; to: Date }) | null;
}

/** The headline numbers: clicks and unique visitors of the period, and of the one before for the change. */
export async function analyticsTotalsHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof analyticsQueryInput> }): Promise<AnalyticsTotals> {
  const scope = await resolveScope(ctx, input);
  const period = await resolvePeriod(ctx, input.period, input.timezone);
  const [current, previous] = await Promise.all([
    periodTotals(ctx, scope, period.from, period.to),
    period.previous ? periodTotals(ctx, scope, period.previous.from, period.previous.to) : null,
  ]);
  return { ...current, period, previous: previous && period.previous ? { ...previous, ...period.previous } : null };
}
