import { analyticsClicksInput, analyticsQueryInput, analyticsRealtimeInput, analyticsTopInput } from "@hop/validators";
import type { TRPCRouterRecord } from "@trpc/server";
import { protectedProcedure } from "../../trpc";
import { analyticsClicksHandler } from "./clicks.handler";
import { analyticsRealtimeHandler } from "./realtime.handler";
import { analyticsTimeSeriesHandler } from "./timeseries.handler";
import { analyticsTopHandler } from "./top.handler";
import { analyticsTotalsHandler } from "./totals.handler";

/**
 * The account's click analytics, over all its live links (narrowed by the
 * filters: a link, a tag, any dimension). Input schemas in @hop/validators
 * (analytics.ts). Counts come from the 15-minute rollups; unique visitors,
 * the last 30 minutes and the raw clicks from the Click rows.
 */
export const analyticsRouter = {
  totals: protectedProcedure.input(analyticsQueryInput).query(analyticsTotalsHandler),
  timeseries: protectedProcedure.input(analyticsQueryInput).query(analyticsTimeSeriesHandler),
  top: protectedProcedure.input(analyticsTopInput).query(analyticsTopHandler),
  realtime: protectedProcedure.input(analyticsRealtimeInput).query(analyticsRealtimeHandler),
  clicks: protectedProcedure.input(analyticsClicksInput).query(analyticsClicksHandler),
} satisfies TRPCRouterRecord;

export type { AnalyticsTotals, PeriodTotals } from "./totals.handler";
export type { AnalyticsTimeSeries, TimeSeriesPoint } from "./timeseries.handler";
export type { AnalyticsTop, TopRow } from "./top.handler";
export type { AnalyticsRealtime } from "./realtime.handler";
export type { RawClick, RawClicksPage } from "./clicks.handler";
export type { Granularity, ResolvedPeriod } from "./period";
