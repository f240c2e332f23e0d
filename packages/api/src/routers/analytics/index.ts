import { analyticsClicksInput, analyticsQueryInput, analyticsRealtimeInput, analyticsTopInput } from "@hop/validators";
import type { TRPCRouterRecord } from "@trpc/server";
import { type HopMeta, protectedProcedure } from "../../trpc";
import { analyticsClicksHandler } from "./clicks.handler";
import { analyticsRealtimeHandler } from "./realtime.handler";
import { analyticsTimeSeriesHandler } from "./timeseries.handler";
import { analyticsTopHandler } from "./top.handler";
import { analyticsTotalsHandler } from "./totals.handler";
import { analyticsRealtimeSchema, analyticsTimeSeriesSchema, analyticsTopSchema, analyticsTotalsSchema, rawClicksPageSchema } from "./outputs";

/**
 * REST: POST with a JSON body (periods and filters are objects, which a query
 * string cannot carry), under the API-key scope analytics:read.
 */
const rest = (path: `/${string}`, summary: string): HopMeta => ({
  scope: "analytics:read",
  openapi: { method: "POST", path, summary, tags: ["analytics"], protect: true },
});

/**
 * The account's click analytics, over all its live links (narrowed by the
 * filters: a link, a tag, any dimension). Input schemas in @hop/validators
 * (analytics.ts). Counts come from the 15-minute rollups; unique visitors,
 * the last 30 minutes and the raw clicks from the Click rows.
 */
export const analyticsRouter = {
  totals: protectedProcedure
    .meta(rest("/analytics/totals", "Clicks and unique visitors of a period, and of the period before"))
    .input(analyticsQueryInput)
    .output(analyticsTotalsSchema)
    .query(analyticsTotalsHandler),
  timeseries: protectedProcedure
    .meta(rest("/analytics/timeseries", "Clicks per hour, day or month on the viewer's clock"))
    .input(analyticsQueryInput)
    .output(analyticsTimeSeriesSchema)
    .query(analyticsTimeSeriesHandler),
  top: protectedProcedure
    .meta(rest("/analytics/top", "The top values of one dimension (countries, devices, referrers, links, ...)"))
    .input(analyticsTopInput)
    .output(analyticsTopSchema)
    .query(analyticsTopHandler),
  realtime: protectedProcedure
    .meta(rest("/analytics/realtime", "The last 30 minutes, per minute"))
    .input(analyticsRealtimeInput)
    .output(analyticsRealtimeSchema)
    .query(analyticsRealtimeHandler),
  clicks: protectedProcedure
    .meta(rest("/analytics/clicks", "Raw clicks of a period, newest first, a page at a time"))
    .input(analyticsClicksInput)
    .output(rawClicksPageSchema)
    .query(analyticsClicksHandler),
} satisfies TRPCRouterRecord;

export type { AnalyticsTotals, PeriodTotals } from "./totals.handler";
export type { AnalyticsTimeSeries, TimeSeriesPoint } from "./timeseries.handler";
export type { AnalyticsTop, TopRow } from "./top.handler";
export type { AnalyticsRealtime } from "./realtime.handler";
export type { RawClick, RawClicksPage } from "./clicks.handler";
export type { Granularity, ResolvedPeriod } from "./period";
