import { Prisma } from "@hop/db";
import type { ProtectedContext } from "../../trpc";
import { compactedDaySql, edgeHoldsWholeDaySql, usesAccountRollups } from "./account";
import { type ClickScope, rawRangeSql } from "./scope";

const dayMs = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const utc = (date: Date) => Prisma.sql`(${date.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;

/**
 * The account's unique visitors in [from, to) without reading the period's raw
 * clicks: the visitor hash rotates every UTC day, so the period's distinct
 * hashes are the sum over its UTC days of each day's distinct hashes. Whole
 * days come from AccountDailyUniques; a partial first day counts the visitors
 * whose last click that day is at or after `from`, a partial last day those
 * whose first click is before `to` (exact: a visitor-day's clicks lie between
 * its first and last). Null when this cannot answer exactly, and the caller
 * counts the raw clicks: filters (the account rows hold no dimensions), a
 * period inside one UTC day (first and last click do not tell whether a
 * click fell in between), or clicks of soft-deleted links in the period (their
 * visitors cannot be told apart from the others').
 */
export async function accountUniqueVisitors(ctx: ProtectedContext, scope: ClickScope, from: Date, to: Date): Promise<number | null> {
  if (!usesAccountRollups(scope)) return null;
  const firstDay = Math.ceil(from.getTime() / dayMs) * dayMs;
  const lastDay = Math.floor(to.getTime() / dayMs) * dayMs;
  if (firstDay > lastDay) return null;
  if (scope.deletedLinkIds.length > 0) {
    const bots = scope.includeBots ? Prisma.empty : Prisma.sql`AND NOT c."isBot"`;
    const [deleted] = await ctx.db.$queryRaw<{ found: boolean }[]>`
      SELECT EXISTS (SELECT 1 FROM "Click" c WHERE c."linkId" = ANY(${scope.deletedLinkIds}::text[]) ${bots} AND ${rawRangeSql(from, to)}) AS found`;
    if (deleted?.found) return null;
  }
  const kind = scope.includeBots ? "all" : "human";
  // A visitor's span of human clicks is null when it had bot clicks only: such a row never counts without bots.
  const [firstAt, lastAt] = scope.includeBots
    ? [Prisma.raw(`v."firstAt"`), Prisma.raw(`v."lastAt"`)]
    : [Prisma.raw(`v."humanFirstAt"`), Prisma.raw(`v."humanLastAt"`)];
  const parts: Prisma.Sql[] = [
    Prisma.sql`(SELECT coalesce(sum(u.visitors), 0)::bigint FROM "AccountDailyUniques" u
      WHERE u."userId" = ${scope.userId} AND u.kind = ${kind} AND u.day >= ${day(firstDay)}::date AND u.day < ${day(lastDay)}::date)`,
  ];
  const quarterMs = 900_000;
  /**
   * The visitors of an edge of the UTC day starting at `dayStart`: those of the whole day when the edge holds all of
   * its clicks (the day's count); else, on a compacted day, the day's visitors whose last click's quarter hour is the
   * edge's start's or later (first edge) or whose first click's is before the edge's end (last edge), from its
   * per-quarter-hour counts (an edge bound off the quarter hours, which no zone of today has, skips them); else the
   * visitor rows themselves, one per visitor.
   */
  const edge = (edgeFrom: Date, edgeTo: Date, dayStart: number, side: "first" | "last") => {
    const bound = side === "first" ? edgeFrom : edgeTo;
    const quarter = (bound.getTime() - dayStart) / quarterMs;
    const counts = Prisma.raw(`c."${kind}${side === "first" ? "Last" : "First"}Quarters"`);
    // unnest's ordinality is 1-based: quarter hour q is entry q + 1.
    const inEdge = side === "first" ? Prisma.sql`q.entry > ${quarter}::int` : Prisma.sql`q.entry <= ${quarter}::int`;
    const compacted = Number.isInteger(quarter)
      ? Prisma.sql`WHEN ${compactedDaySql(scope, day(dayStart))} AND (SELECT cardinality(${counts}) = 96 FROM "AccountCompactedDay" c
            WHERE c."userId" = ${scope.userId} AND c.day = ${day(dayStart)}::date)
          THEN (SELECT coalesce(sum(q.visitors), 0) FROM "AccountCompactedDay" c CROSS JOIN LATERAL unnest(${counts}) WITH ORDINALITY AS q(visitors, entry)
            WHERE c."userId" = ${scope.userId} AND c.day = ${day(dayStart)}::date AND ${inEdge})`
      : Prisma.empty;
    const counted = side === "first" ? Prisma.sql`${lastAt} >= ${utc(edgeFrom)}` : Prisma.sql`${firstAt} < ${utc(edgeTo)}`;
    return Prisma.sql`(CASE WHEN ${edgeHoldsWholeDaySql(scope, { from: edgeFrom, to: edgeTo })}
        THEN (SELECT coalesce(sum(u.visitors), 0) FROM "AccountDailyUniques" u
          WHERE u."userId" = ${scope.userId} AND u.day = ${day(dayStart)}::date AND u.kind = ${kind})
      ${compacted}
      ELSE (SELECT count(*) FROM "AccountDailyVisitor" v
        WHERE v."userId" = ${scope.userId} AND v.day = ${day(dayStart)}::date AND ${counted}) END)`;
  };
  if (from.getTime() < firstDay) parts.push(edge(from, new Date(firstDay), firstDay - dayMs, "first"));
  if (lastDay < to.getTime()) parts.push(edge(new Date(lastDay), to, lastDay, "last"));
  const [row] = await ctx.db.$queryRaw<{ visitors: bigint }[]>`SELECT (${Prisma.join(parts, " + ")})::bigint AS visitors`;
  return Number(row?.visitors ?? 0);
}
