"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { ErrorState } from "~/components/ui/error-state";
import { Skeleton } from "~/components/ui/skeleton";
import type { AnalyticsTimeSeries } from "./types";

type Granularity = AnalyticsTimeSeries["granularity"];

/** A bucket's label from its wall-clock start ("2026-11-30T14:00:00"), read as written: it is already in the viewer's zone. */
export function bucketLabel(local: string, granularity: Granularity, long = false): string {
  const [datePart = "", timePart = "00:00"] = local.split("T");
  const date = new Date(`${datePart}T00:00:00Z`);
  if (granularity === "month") return date.toLocaleDateString("en", { month: long ? "long" : "short", year: "numeric", timeZone: "UTC" });
  const day = date.toLocaleDateString("en", { month: "short", day: "numeric", timeZone: "UTC", ...(long ? { weekday: "short" } : {}) });
  return granularity === "hour" ? (long ? `${day}, ${timePart.slice(0, 5)}` : timePart.slice(0, 5)) : day;
}

const unitWord: Record<Granularity, string> = { hour: "hour", day: "day", month: "month" };

/**
 * Clicks over the period by hour, day or month (the API picks by length), in
 * the viewer's zone. The chart is a picture to screen readers: a sentence
 * sums it up and a visually hidden table holds every number.
 */
export function TimeSeriesCard({
  series,
  error,
  onRetry,
  retrying,
}: {
  series: AnalyticsTimeSeries | undefined;
  error: string | null;
  onRetry: () => void;
  retrying: boolean;
}) {
  const points = series?.points ?? [];
  const total = points.reduce((sum, point) => sum + point.clicks, 0);
  const peak = points.reduce<(typeof points)[number] | null>((best, point) => (!best || point.clicks > best.clicks ? point : best), null);
  const granularity = series?.granularity ?? "day";
  const summary =
    !series || !peak
      ? ""
      : total === 0
        ? `No clicks in this period (${points.length} ${unitWord[granularity]}s).`
        : `Clicks per ${unitWord[granularity]} over ${points.length} ${unitWord[granularity]}s: ${total.toLocaleString("en")} in all, at most ${peak.clicks.toLocaleString("en")} in ${bucketLabel(peak.local, granularity, true)}.`;
  const data = points.map((point) => ({
    label: bucketLabel(point.local, granularity),
    long: bucketLabel(point.local, granularity, true),
    clicks: point.clicks,
  }));

  return (
    <Card>
      <CardHeader>
        <CardTitle>Clicks over time</CardTitle>
        <CardDescription>{series ? `By ${unitWord[granularity]}, in ${series.period.timezone.replaceAll("_", " ")}.` : "\u00a0"}</CardDescription>
      </CardHeader>
      <CardContent className="grid grid-cols-1">
        {error && !series ? (
          <ErrorState headingLevel="h3" title="The chart could not be loaded" description={error} onRetry={onRetry} retrying={retrying} />
        ) : !series ? (
          <Skeleton className="h-56 w-full rounded-lg" />
        ) : (
          <figure className="min-w-0">
            <div role="img" aria-label={summary} data-testid="timeseries-chart" data-total={total} className="h-56 w-full min-w-0">
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
                  <CartesianGrid vertical={false} stroke="var(--border)" />
                  <XAxis dataKey="label" tickLine={false} axisLine={false} fontSize={12} minTickGap={24} stroke="var(--muted-foreground)" />
                  <YAxis allowDecimals={false} tickLine={false} axisLine={false} fontSize={12} width={48} stroke="var(--muted-foreground)" />
                  <Tooltip
                    cursor={{ fill: "var(--muted)" }}
                    labelFormatter={(_, payload) => String(payload?.[0]?.payload?.long ?? "")}
                    formatter={(value) => [Number(value).toLocaleString("en"), "Clicks"]}
                    contentStyle={{ borderRadius: 8, borderColor: "var(--border)", background: "var(--card)", fontSize: 13 }}
                  />
                  <Bar dataKey="clicks" fill="var(--brand)" radius={[3, 3, 0, 0]} maxBarSize={32} isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            </div>
            <figcaption className="sr-only">{summary}</figcaption>
            <table className="sr-only">
              <caption>Clicks per {unitWord[granularity]}</caption>
              <thead>
                <tr>
                  <th scope="col">{granularity === "hour" ? "Hour" : granularity === "day" ? "Day" : "Month"}</th>
                  <th scope="col">Clicks</th>
                </tr>
              </thead>
              <tbody>
                {data.map((point, index) => (
                  <tr key={points[index]?.local ?? index}>
                    <th scope="row">{point.long}</th>
                    <td>{point.clicks}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </figure>
        )}
      </CardContent>
    </Card>
  );
}
