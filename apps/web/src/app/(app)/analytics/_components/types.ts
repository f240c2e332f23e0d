import type { RouterOutputs } from "@hop/api";

export type AnalyticsTotals = RouterOutputs["analytics"]["totals"];
export type AnalyticsTimeSeries = RouterOutputs["analytics"]["timeseries"];
export type AnalyticsTop = RouterOutputs["analytics"]["top"];
export type AnalyticsRealtime = RouterOutputs["analytics"]["realtime"];
