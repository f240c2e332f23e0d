import type { analyticsRealtimeInput } from "@hop/validators";
import type { z } from "zod";
import type { ProtectedContext } from "../../trpc";
import { rawRangeSql, resolveScope, scopeSql } from "./scope";

export interface AnalyticsRealtime {
  /** The 30 minutes shown, the current (partial) minute last. */
  minutes: { start: Date; clicks: number }[];
  /** Clicks in the last 5 minutes ("current visitors" in the anchors' words, counted as clicks). */
  lastFiveMinutes: number;
  /** Clicks in the whole 30 minutes. */
  total: number;
}

const minuteMs = 60_000;

/** The last 30 minutes per minute, from the raw clicks (an index range of half an hour). */
export async function analyticsRealtimeHandler({
  ctx,
  input,
}: {
  ctx: ProtectedContext;
  input: z.output<typeof analyticsRealtimeInput>;
}): Promise<AnalyticsRealtime> {
  const scope = await resolveScope(ctx, input);
  const currentMinute = Math.floor(Date.now() / minuteMs) * minuteMs;
  const from = new Date(currentMinute - 29 * minuteMs);
  const to = new Date(currentMinute + minuteMs);
  const rows = await ctx.db.$queryRaw<{ minute: Date; clicks: bigint }[]>`
    SELECT date_trunc('minute', c."occurredAt") AT TIME ZONE 'UTC' AS minute, count(*)::bigint AS clicks
    FROM "Click" c WHERE ${scopeSql(scope)} AND ${rawRangeSql(from, to)} GROUP BY 1`;
  const byMinute = new Map(rows.map((row) => [new Date(row.minute).getTime(), Number(row.clicks)]));
  const minutes = Array.from({ length: 30 }, (_, index) => {
    const start = from.getTime() + index * minuteMs;
    return { start: new Date(start), clicks: byMinute.get(start) ?? 0 };
  });
  const sum = (list: typeof minutes) => list.reduce((total, minute) => total + minute.clicks, 0);
  return { minutes, lastFiveMinutes: sum(minutes.slice(-5)), total: sum(minutes) };
}
