import { accountRollupDimensions } from "@hop/clicks";
import { Prisma } from "@hop/db";
import type { AnalyticsDimension, AnalyticsFilter } from "@hop/validators";
import { TRPCError } from "@trpc/server";
import type { ProtectedContext } from "../../trpc";

/**
 * Which clicks a query may see and which it asked for, as SQL over the raw
 * clicks (`Click c`): only the account's own live links, ever (a link filter
 * naming any other link is NOT_FOUND, as another user's link is everywhere),
 * bots only when asked, then the filters. The rollups and compacted tiers
 * answer what they can (account.ts, compacted.ts); the raw clicks the rest:
 * the open tail, deleted links' clicks to subtract, filters no tier pairs.
 */

const dimensionExpressions: ReadonlyMap<string, string> = new Map(accountRollupDimensions);

/** The SQL value of a dimension over `Click c` (tags excepted: a link has several, see tagLinks), as the rollups hold it. */
export function dimensionSql(dimension: Exclude<AnalyticsDimension, "tag">): Prisma.Sql {
  const expression = dimensionExpressions.get(dimension);
  if (expression === undefined) throw new Error(`no rollup dimension ${dimension}`);
  return Prisma.raw(expression);
}

export interface ClickScope {
  userId: string;
  includeBots: boolean;
  /** The account's soft-deleted links: their clicks are as invisible as the links. */
  deletedLinkIds: string[];
  filters: AnalyticsFilter[];
}

/** The scope of a query, after checking that every link a filter names is the caller's own live link. */
export async function resolveScope(ctx: ProtectedContext, input: { filters: AnalyticsFilter[]; includeBots: boolean }): Promise<ClickScope> {
  const userId = ctx.session.userId;
  const named = [...new Set(input.filters.filter((filter) => filter.dimension === "link").map((filter) => filter.value))];
  if (named.length > 0) {
    const own = await ctx.db.link.count({ where: { id: { in: named }, userId, deletedAt: null } });
    if (own !== named.length) throw new TRPCError({ code: "NOT_FOUND", message: "A link in the filters does not exist or was deleted" });
  }
  const deleted = await ctx.db.link.findMany({ where: { userId, deletedAt: { not: null } }, select: { id: true } });
  return { userId, includeBots: input.includeBots, deletedLinkIds: deleted.map((link) => link.id), filters: input.filters };
}

function tagLinks(userId: string, names: string[]): Prisma.Sql {
  return Prisma.sql`(SELECT lt."linkId" FROM "LinkTag" lt JOIN "Tag" t ON t.id = lt."tagId" WHERE t."userId" = ${userId} AND t.name = ANY(${names}::text[]))`;
}

/** The WHERE conditions of a scope (without the period), joined by AND. */
export function scopeSql(scope: ClickScope): Prisma.Sql {
  const linkId = Prisma.raw(`c."linkId"`);
  const conditions: Prisma.Sql[] = [Prisma.sql`c."linkId" IN (SELECT id FROM "Link" WHERE "userId" = ${scope.userId})`];
  if (scope.deletedLinkIds.length > 0) conditions.push(Prisma.sql`NOT (${linkId} = ANY(${scope.deletedLinkIds}::text[]))`);
  if (!scope.includeBots) conditions.push(Prisma.raw(`NOT c."isBot"`));
  // Same dimension: one set (is A or B; is not A nor B). Different dimensions: all apply.
  const groups = new Map<string, string[]>();
  for (const filter of scope.filters) {
    const key = `${filter.dimension}:${filter.op}`;
    groups.set(key, [...(groups.get(key) ?? []), filter.value]);
  }
  for (const [key, values] of groups) {
    const [dimension, op] = key.split(":") as [AnalyticsDimension, AnalyticsFilter["op"]];
    if (dimension === "tag") {
      const set = tagLinks(scope.userId, values);
      conditions.push(op === "is" ? Prisma.sql`${linkId} IN ${set}` : Prisma.sql`${linkId} NOT IN ${set}`);
    } else {
      // = ANY(array): a link filter reads the clicks' (linkId, occurredAt) index range, not the whole account's rows.
      const subject = dimensionSql(dimension);
      conditions.push(op === "is" ? Prisma.sql`${subject} = ANY(${values}::text[])` : Prisma.sql`${subject} <> ALL(${values}::text[])`);
    }
  }
  return Prisma.join(conditions, " AND ");
}

/** The raw clicks of [from, to). */
export function rawRangeSql(from: Date, to: Date): Prisma.Sql {
  return Prisma.sql`c."occurredAt" >= (${from.toISOString()}::timestamptz AT TIME ZONE 'UTC') AND c."occurredAt" < (${to.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
}
