import type { linkStatsInput } from "@hop/validators";
import type { z } from "zod";
import type { ProtectedContext } from "../../trpc";
import { toLinkView } from "./link-view";
import { findOwnLink } from "./shared";

const dayMs = 86_400_000;

/** "2026-11-25": a UTC day, the unit of the click rollups. */
const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/**
 * A link's clicks per UTC day over the last `days` days (today included),
 * from the daily rollups the worker keeps (never a count of raw clicks), with
 * every day present (zero where nobody clicked). Bot clicks are apart and
 * not in `clicks`, as everywhere in Hop.
 */
export async function linkStatsHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof linkStatsInput> }) {
  const link = await findOwnLink(ctx, ctx.session.userId, input.id);
  const today = new Date(`${isoDay(new Date())}T00:00:00.000Z`);
  const since = new Date(today.getTime() - (input.days - 1) * dayMs);
  const rollups = await ctx.db.linkDailyStat.findMany({
    where: { linkId: link.id, day: { gte: since } },
    select: { day: true, clicks: true, uniqueVisitors: true, botClicks: true },
  });
  const byDay = new Map(rollups.map((rollup) => [isoDay(rollup.day), rollup]));
  const days = Array.from({ length: input.days }, (_, index) => {
    const day = isoDay(new Date(since.getTime() + index * dayMs));
    const rollup = byDay.get(day);
    return { day, clicks: rollup?.clicks ?? 0, uniqueVisitors: rollup?.uniqueVisitors ?? 0, botClicks: rollup?.botClicks ?? 0 };
  });
  const sum = (key: "clicks" | "botClicks") => days.reduce((total, day) => total + day[key], 0);
  return {
    link: toLinkView(link, ctx.shortLinkBaseUrl),
    days,
    clicksInRange: sum("clicks"),
    botClicksInRange: sum("botClicks"),
  };
}
