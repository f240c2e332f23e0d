import { Prisma } from "@hop/db";
import type { AnalyticsDimension, analyticsTopInput } from "@hop/validators";
import type { z } from "zod";
import type { ProtectedContext } from "../../trpc";
import { accountDimensionSql, usesAccountRollups } from "./account";
import { compactedPlan, compactedTopSql } from "./compacted";
import { resolvePeriod, type ResolvedPeriod } from "./period";
import { dimensionSql, rawRangeSql, resolveScope, scopeSql } from "./scope";

export interface TopRow {
  /** What a filter on this row takes: a link id, a tag name, "DE", "direct", "qr", ... ('' is unknown). */
  value: string;
  /** What to show: the link's slug, else the value itself. */
  label: string;
  clicks: number;
  /** For links: the short link's title and target, to show beside the slug. */
  link?: { id: string; slug: string; title: string | null; url: string };
}

export interface AnalyticsTop {
  dimension: AnalyticsDimension;
  period: ResolvedPeriod;
  rows: TopRow[];
}

/**
 * The top values of one dimension in the period, from the rollups. A link
 * with two tags counts under both tags (tags overlap; their sum can pass
 * the total). Without filters the per-account rollups answer (account.ts),
 * under one filter the compacted days where a tier pairs the two dimensions (compacted.ts), else the raw clicks.
 */
export async function analyticsTopHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof analyticsTopInput> }): Promise<AnalyticsTop> {
  const scope = await resolveScope(ctx, input);
  const period = await resolvePeriod(ctx, input.period, input.timezone);
  const where = Prisma.sql`${scopeSql(scope)} AND ${rawRangeSql(period.from, period.to)}`;
  const inner = input.dimension === "tag" ? "link" : input.dimension;
  const plan = usesAccountRollups(scope) ? null : await compactedPlan(ctx, scope, period.from, period.to);
  // (value, clicks) rows to sum by value, from the per-account or compacted tiers; null: the raw clicks alone.
  const tiered = usesAccountRollups(scope)
    ? accountDimensionSql(scope, inner, period.from, period.to)
    : plan
      ? compactedTopSql(scope, plan, inner, period.from, period.to)
      : null;
  const rows = tiered
    ? await ctx.db.$queryRaw<{ value: string; clicks: bigint }[]>(
        input.dimension === "tag"
          ? // Summed per link before the join: a link's rows of 90 days become one row, so the tags join a row per link.
            Prisma.sql`SELECT t.name AS value, sum(x.clicks)::bigint AS clicks
              FROM (SELECT y.value, sum(y.clicks) AS clicks FROM (${tiered}) y GROUP BY 1) x
                JOIN "LinkTag" lt ON lt."linkId" = x.value JOIN "Tag" t ON t.id = lt."tagId"
              GROUP BY 1 HAVING sum(x.clicks) > 0 ORDER BY 2 DESC, 1 LIMIT ${input.limit}`
          : Prisma.sql`SELECT x.value, sum(x.clicks)::bigint AS clicks FROM (${tiered}) x
              GROUP BY 1 HAVING sum(x.clicks) > 0 ORDER BY 2 DESC, 1 LIMIT ${input.limit}`,
      )
    : input.dimension === "tag"
      ? await ctx.db.$queryRaw<{ value: string; clicks: bigint }[]>`
          SELECT t.name AS value, count(*)::bigint AS clicks
          FROM "Click" c JOIN "LinkTag" lt ON lt."linkId" = c."linkId" JOIN "Tag" t ON t.id = lt."tagId"
          WHERE ${where} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${input.limit}`
      : await ctx.db.$queryRaw<{ value: string; clicks: bigint }[]>`
          SELECT ${dimensionSql(input.dimension)} AS value, count(*)::bigint AS clicks
          FROM "Click" c WHERE ${where} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${input.limit}`;
  const links =
    input.dimension === "link"
      ? new Map(
          (
            await ctx.db.link.findMany({
              where: { id: { in: rows.map((row) => row.value) }, userId: ctx.session.userId },
              select: { id: true, slug: true, title: true, url: true },
            })
          ).map((link) => [link.id, link]),
        )
      : null;
  return {
    dimension: input.dimension,
    period,
    rows: rows.map((row) => {
      const link = links?.get(row.value);
      return { value: row.value, label: link?.slug ?? row.value, clicks: Number(row.clicks), ...(link ? { link } : {}) };
    }),
  };
}
