import { Prisma } from "@hop/db";
import type { ProtectedContext } from "../../trpc";
import { edgeHoldsWholeDaySql, usesAccountRollups } from "./account";
import { type ClickScope, rollupRangeSql } from "./scope";

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
    const bots = scope.includeBots ? Prisma.empty : Prisma.sql`AND NOT r."isBot"`;
    const [deleted] = await ctx.db.$queryRaw<{ found: boolean }[]>`
      SELECT EXISTS (SELECT 1 FROM "ClickRollup" r WHERE r."linkId" = ANY(${scope.deletedLinkIds}::text[]) ${bots} AND ${rollupRangeSql(from, to)}) AS found`;
    if (deleted?.found) return null;
  }
  const kind = scope.includeBots ? "all" : "human";
  const parts: Prisma.Sql[] = [
    Prisma.sql`(SELECT coalesce(sum(u.visitors), 0)::bigint FROM "AccountDailyUniques" u
      WHERE u."userId" = ${scope.userId} AND u.kind = ${kind} AND u.day >= ${day(firstDay)}::date AND u.day < ${day(lastDay)}::date)`,
  ];
  // An edge that holds all of its day's clicks holds all of its visitors: the day's count, not a row per visitor.
  const edge = (edgeFrom: Date, edgeTo: Date, dayMsStart: number, counted: Prisma.Sql) =>
    Prisma.sql`(CASE WHEN ${edgeHoldsWholeDaySql(scope, { from: edgeFrom, to: edgeTo })}
      THEN (SELECT coalesce(sum(u.visitors), 0) FROM "AccountDailyUniques" u
        WHERE u."userId" = ${scope.userId} AND u.day = ${day(dayMsStart)}::date AND u.kind = ${kind})
      ELSE (SELECT count(*) FROM "AccountDailyVisitor" v
        WHERE v."userId" = ${scope.userId} AND v.day = ${day(dayMsStart)}::date AND v.kind = ${kind} AND ${counted}) END)`;
  if (from.getTime() < firstDay) parts.push(edge(from, new Date(firstDay), firstDay - dayMs, Prisma.sql`v."lastAt" >= ${utc(from)}`));
  if (lastDay < to.getTime()) parts.push(edge(new Date(lastDay), to, lastDay, Prisma.sql`v."firstAt" < ${utc(to)}`));
  const [row] = await ctx.db.$queryRaw<{ visitors: bigint }[]>`SELECT (${Prisma.join(parts, " + ")})::bigint AS visitors`;
  return Number(row?.visitors ?? 0);
}
