import { z } from "zod";
import { plainText } from "./text";

/**
 * The analytics contract's inputs: which clicks (period, filters, bots) and
 * how to show them (the viewer's time zone, a dimension, a limit). Every
 * card of the analytics page is one of these queries; the URL of the page
 * holds the same fields, so a view can be shared.
 */

/** What a click can be counted by (and filtered on). `link` takes a link id; `tag` a tag name. */
export const analyticsDimensions = [
  "country",
  "region",
  "city",
  "device",
  "browser",
  "os",
  "referrer",
  "utmSource",
  "utmMedium",
  "utmCampaign",
  "trigger",
  "link",
  "tag",
] as const;
export type AnalyticsDimension = (typeof analyticsDimensions)[number];
export const analyticsDimensionSchema = z.enum(analyticsDimensions);

/**
 * Periods ending now, in the viewer's time zone: the last 24 hours (by hour), the last 7/30/90 days (by day, today
 * included), today, the month to date, all time. A custom range is `{ from, to }` (instants, `to` excluded).
 */
export const analyticsPresetPeriods = ["24h", "7d", "30d", "90d", "today", "month", "all"] as const;
export type AnalyticsPresetPeriod = (typeof analyticsPresetPeriods)[number];

/** The longest custom range: a little over five years of 15-minute rollups. */
export const maxCustomRangeDays = 1_900;

/** Custom ranges lie within these years (PostgreSQL's and the charts' sane range). */
const earliestInstant = Date.UTC(2000, 0, 1);
const latestInstant = Date.UTC(2100, 0, 1);
const instantInRange = z
  .date()
  .refine((date) => date.getTime() >= earliestInstant && date.getTime() <= latestInstant, { message: "Choose a date between 2000 and 2100" });

export const customPeriodSchema = z
  .object({ from: instantInRange, to: instantInRange })
  .refine(({ from, to }) => from.getTime() < to.getTime(), { message: "The start must be before the end", path: ["to"] })
  .refine(({ from, to }) => to.getTime() - from.getTime() <= maxCustomRangeDays * 86_400_000, {
    message: `Choose at most ${maxCustomRangeDays} days`,
    path: ["to"],
  });
export const analyticsPeriodSchema = z.union([z.enum(analyticsPresetPeriods), customPeriodSchema]);
export type AnalyticsPeriod = z.infer<typeof analyticsPeriodSchema>;

/** True for a time zone this runtime knows by its IANA name (aliases such as Asia/Calcutta included). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return name.length > 0;
  } catch {
    return false;
  }
}

export const timeZoneSchema = plainText()
  .trim()
  .min(1, "Choose a time zone")
  .max(64, "Use an IANA time zone name, like Europe/Berlin")
  .refine(isTimeZone, { message: "Unknown time zone: use an IANA name, like Europe/Berlin" });

export const analyticsFilterOps = ["is", "isNot"] as const;
export type AnalyticsFilterOp = (typeof analyticsFilterOps)[number];

/**
 * One filter: `{ dimension: "country", op: "is", value: "DE" }`. Filters on the same dimension combine as one set
 * (`is` A or B, `isNot` neither); filters on different dimensions all apply. The empty value is "unknown" (no
 * country, no browser, ...); the referrer of a visit without one is "direct"; the trigger is "qr" or "link".
 */
export const analyticsFilterSchema = z.object({
  dimension: analyticsDimensionSchema,
  op: z.enum(analyticsFilterOps),
  value: plainText().max(200, "Use at most 200 characters"),
});
export type AnalyticsFilter = z.infer<typeof analyticsFilterSchema>;

export const maxAnalyticsFilters = 20;

export const analyticsQueryInput = z.object({
  period: analyticsPeriodSchema.default("30d"),
  timezone: timeZoneSchema.default("UTC"),
  filters: z.array(analyticsFilterSchema).max(maxAnalyticsFilters, `Use at most ${maxAnalyticsFilters} filters`).default([]),
  /** Bots are recorded always and counted only when asked. */
  includeBots: z.boolean().default(false),
});
export type AnalyticsQueryInput = z.input<typeof analyticsQueryInput>;
export type AnalyticsQuery = z.output<typeof analyticsQueryInput>;

export const maxTopLimit = 100;

/** The top values of one dimension (a card, or one tab of a card). */
export const analyticsTopInput = analyticsQueryInput.extend({
  dimension: analyticsDimensionSchema,
  limit: z.number().int().min(1).max(maxTopLimit).default(10),
});
export type AnalyticsTopInput = z.input<typeof analyticsTopInput>;

/** The last 30 minutes, per minute (the same filters; the period is always "now"). */
export const analyticsRealtimeInput = analyticsQueryInput.pick({ filters: true, includeBots: true });
export type AnalyticsRealtimeInput = z.input<typeof analyticsRealtimeInput>;

export const maxRawClicksPage = 1_000;

/** One page of the period's raw clicks, newest first; `cursor` is the last page's `nextCursor`. */
export const analyticsClicksInput = analyticsQueryInput.extend({
  cursor: plainText().max(100).nullable().optional(),
  limit: z.number().int().min(1).max(maxRawClicksPage).default(500),
});
export type AnalyticsClicksInput = z.input<typeof analyticsClicksInput>;
