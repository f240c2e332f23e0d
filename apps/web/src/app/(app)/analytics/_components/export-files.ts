import type { AnalyticsDimension } from "@hop/validators";
import { toCsv } from "~/lib/csv";
import { countryName, dimensionLabels, valueLabel } from "./dimension-labels";
import type { AnalyticsTimeSeries, AnalyticsTop, AnalyticsTotals } from "./types";

const fileNames: Record<AnalyticsDimension, string> = {
  link: "links",
  tag: "tags",
  country: "countries",
  region: "regions",
  city: "cities",
  device: "devices",
  browser: "browsers",
  os: "operating-systems",
  referrer: "referrers",
  utmSource: "utm-sources",
  utmMedium: "utm-mediums",
  utmCampaign: "utm-campaigns",
  trigger: "qr-vs-link",
};

/** One card's rows as CSV: the value a filter takes, how the page shows it, the clicks. */
export function topCsv(top: AnalyticsTop): string {
  const label = dimensionLabels[top.dimension];
  if (top.dimension === "link") {
    return toCsv(
      ["link_id", "slug", "destination", "clicks"],
      top.rows.map((row) => [row.value, row.link?.slug ?? row.label, row.link?.url ?? "", row.clicks]),
    );
  }
  if (top.dimension === "country") {
    return toCsv(
      ["country_code", "country", "clicks"],
      top.rows.map((row) => [row.value, row.value ? countryName(row.value) : "Unknown", row.clicks]),
    );
  }
  return toCsv(
    [label.toLowerCase().replaceAll(" ", "_"), "clicks"],
    top.rows.map((row) => [valueLabel(top.dimension, row.value), row.clicks]),
  );
}

export function timeSeriesCsv(series: AnalyticsTimeSeries): string {
  return toCsv(
    [`${series.granularity}_start_local`, "start_utc", "clicks"],
    series.points.map((point) => [point.local, new Date(point.start).toISOString(), point.clicks]),
  );
}

export function totalsCsv(totals: AnalyticsTotals): string {
  return toCsv(
    ["period_from", "period_to", "time_zone", "clicks", "unique_visitors", "previous_clicks", "previous_unique_visitors"],
    [
      [
        new Date(totals.period.from).toISOString(),
        new Date(totals.period.to).toISOString(),
        totals.period.timezone,
        totals.clicks,
        totals.uniqueVisitors,
        totals.previous?.clicks ?? null,
        totals.previous?.uniqueVisitors ?? null,
      ],
    ],
  );
}

/** The ZIP's files: the totals, the time series, and a CSV per card tab. */
export function analyticsCsvFiles(totals: AnalyticsTotals, series: AnalyticsTimeSeries, tops: readonly AnalyticsTop[]): Record<string, string> {
  const files: Record<string, string> = { "totals.csv": totalsCsv(totals), "clicks-over-time.csv": timeSeriesCsv(series) };
  for (const top of tops) files[`${fileNames[top.dimension]}.csv`] = topCsv(top);
  return files;
}
