import { Prisma } from "@hop/db";
import type { AnalyticsPeriod } from "@hop/validators";
import { TRPCError } from "@trpc/server";
import type { ProtectedContext } from "../../trpc";

export type Granularity = "hour" | "day" | "month";

export interface ResolvedPeriod {
  /** The first instant counted. */
  from: Date;
  /** The first instant not counted. */
  to: Date;
  /** The same bounds on the viewer's wall clock, "2026-11-30T00:00:00". */
  localFrom: string;
  localTo: string;
  granularity: Granularity;
  timezone: string;
  /** The period of the same length just before (none for all time). */
  previous: { from: Date; to: Date } | null;
}

const dayMs = 86_400_000;

/** Granularity follows the length (as dub and Umami do): by hour up to 2 days, by day up to about 6 months, else by month. */
export function granularityFor(lengthMs: number): Granularity {
  if (lengthMs <= 2 * dayMs) return "hour";
  if (lengthMs <= 190 * dayMs) return "day";
  return "month";
}

/** Local wall-clock bounds of a preset period, as SQL over `ln` (now on the viewer's clock). */
function presetBounds(period: Exclude<AnalyticsPeriod, { from: Date }>, userId: string, tz: string): { from: Prisma.Sql; to: Prisma.Sql } {
  const endOfToday = Prisma.sql`date_trunc('day', ln) + interval '1 day'`;
  switch (period) {
    case "24h":
      return { from: Prisma.sql`date_trunc('hour', ln) - interval '23 hours'`, to: Prisma.sql`date_trunc('hour', ln) + interval '1 hour'` };
    case "7d":
      return { from: Prisma.sql`date_trunc('day', ln) - interval '6 days'`, to: endOfToday };
    case "30d":
      return { from: Prisma.sql`date_trunc('day', ln) - interval '29 days'`, to: endOfToday };
    case "90d":
      return { from: Prisma.sql`date_trunc('day', ln) - interval '89 days'`, to: endOfToday };
    case "today":
      return { from: Prisma.sql`date_trunc('day', ln)`, to: endOfToday };
    case "month":
      return { from: Prisma.sql`date_trunc('month', ln)`, to: endOfToday };
    case "all":
      // From the day of the account's first recorded click (today when there is none).
      return {
        from: Prisma.sql`date_trunc('day', coalesce((SELECT (min(bucket) AT TIME ZONE 'UTC') AT TIME ZONE ${tz} FROM "AccountClickBucket" WHERE "userId" = ${userId}), ln))`,
        to: endOfToday,
      };
  }
}

/** PostgreSQL knows its own list of zone names; one that the runtime knew and it does not is the caller's mistake, not a 500. */
export function isUnknownTimeZoneError(error: unknown): boolean {
  return /time zone .* not recognized/i.test(String(error instanceof Error ? error.message : error));
}

export function unknownTimeZone(timezone: string, cause: unknown): TRPCError {
  return new TRPCError({ code: "BAD_REQUEST", message: `Unknown time zone: ${timezone}`, cause });
}

/**
 * The period's instants and wall-clock bounds in the viewer's zone, computed by
 * PostgreSQL (its zone rules, DST included, are the ones the queries use).
 */
export async function resolvePeriod(ctx: ProtectedContext, period: AnalyticsPeriod, timezone: string): Promise<ResolvedPeriod> {
  const tz = timezone;
  let bounds: { from: Prisma.Sql; to: Prisma.Sql };
  let byHour = false;
  if (typeof period === "string") {
    bounds = presetBounds(period, ctx.session.userId, tz);
  } else {
    // A custom range: from the start of the hour (or day, for longer ranges) of `from`, to the end of the one of `to`.
    byHour = granularityFor(period.to.getTime() - period.from.getTime()) === "hour";
    const unit = byHour ? "hour" : "day";
    const local = (date: Date) => Prisma.sql`(${date.toISOString()}::timestamptz AT TIME ZONE ${tz})`;
    bounds = {
      from: Prisma.sql`date_trunc(${unit}, ${local(period.from)})`,
      to: Prisma.sql`date_trunc(${unit}, ${local(period.to)} - interval '1 microsecond') + ${`1 ${unit}`}::interval`,
    };
  }
  let rows: { from: Date; to: Date; localFrom: string; localTo: string }[];
  try {
    rows = await ctx.db.$queryRaw`
      WITH n AS (SELECT now() AT TIME ZONE ${tz} AS ln),
      b AS (SELECT ${bounds.from} AS lfrom, ${bounds.to} AS lto FROM n)
      SELECT lfrom AT TIME ZONE ${tz} AS "from", lto AT TIME ZONE ${tz} AS "to",
        to_char(lfrom, 'YYYY-MM-DD"T"HH24:MI:SS') AS "localFrom", to_char(lto, 'YYYY-MM-DD"T"HH24:MI:SS') AS "localTo"
      FROM b`;
  } catch (error) {
    if (isUnknownTimeZoneError(error)) throw unknownTimeZone(tz, error);
    throw error;
  }
  const [row] = rows;
  if (!row) throw new Error("the period query returned no row");
  const from = new Date(row.from);
  const to = new Date(row.to);
  const length = to.getTime() - from.getTime();
  return {
    from,
    to,
    localFrom: row.localFrom,
    localTo: row.localTo,
    // A range of up to two days cut to whole hours stays by hour even when the cut makes it a little longer (its
    // bounds are whole hours, not whole days).
    granularity: byHour ? "hour" : granularityFor(length),
    timezone: tz,
    previous: period === "all" ? null : { from: new Date(from.getTime() - length), to: from },
  };
}
