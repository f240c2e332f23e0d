import type { analyticsQueryInput } from "@hop/validators";
import type { z } from "zod";
import type { ProtectedContext } from "../../trpc";
import { Prisma } from "@hop/db";
import { accountBucketsSql, usesAccountRollups } from "./account";
import { compactedBucketsSql, compactedPlan, compactedUniqueVisitors } from "./compacted";
import { accountUniqueVisitors } from "./uniques";
import { resolvePeriod, type ResolvedPeriod } from "./period";
import { rawRangeSql, scopeSql, type ClickScope, resolveScope } from "./scope";

export interface PeriodTotals {
  clicks: number;
  /** Distinct visitors, a visitor being counted once per UTC day (the visitor hash rotates daily, by design). */
  uniqueVisitors: number;
}

/**
 * Clicks from the rollups (the account's own without filters, the compacted days' under one filter, compacted.ts), else the raw clicks;
 * unique visitors from the account's visitor days or the compacted days where exact, else the raw clicks' daily hashes.
 */
export async function periodTotals(ctx: ProtectedContext, scope: ClickScope, from: Date, to: Date): Promise<PeriodTotals> {
  const plan = usesAccountRollups(scope) ? null : await compactedPlan(ctx, scope, from, to);
  const rows = usesAccountRollups(scope)
    ? accountBucketsSql(scope, from, to)
    : plan
      ? compactedBucketsSql(scope, plan, from, to)
      : Prisma.sql`SELECT 1 AS clicks FROM "Click" c WHERE ${scopeSql(scope)} AND ${rawRangeSql(from, to)}`;
  const [[clicks], uniques] = await Promise.all([
    ctx.db.$queryRaw<{ clicks: bigint | null }[]>`SELECT sum(x.clicks)::bigint AS clicks FROM (${rows}) x`,
    plan ? compactedUniqueVisitors(ctx, scope, plan, from, to) : accountUniqueVisitors(ctx, scope, from, to),
  ]);
  const uniqueVisitors = uniques ?? (await rawUniqueVisitors(ctx, scope, from, to));
  return { clicks: Number(clicks?.clicks ?? 0), uniqueVisitors };
}

/** Distinct visitor hashes of the period's raw clicks: exact for any filter, and as slow as the clicks are many. */
async function rawUniqueVisitors(ctx: ProtectedContext, scope: ClickScope, from: Date, to: Date): Promise<number> {
  const [visitors] = await ctx.db.$queryRaw<{ visitors: bigint }[]>`
    SELECT count(DISTINCT c."visitorHash")::bigint AS visitors FROM "Click" c WHERE ${scopeSql(scope)} AND ${rawRangeSql(from, to)}`;
  return Number(visitors?.visitors ?? 0);
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
