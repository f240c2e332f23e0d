"use client";

import { ArrowDownRight, ArrowUpRight } from "lucide-react";
import { Skeleton } from "~/components/ui/skeleton";
import { cn } from "~/lib/utils";
import type { AnalyticsRealtime, AnalyticsTotals } from "./types";
import type { LiveStatus } from "./use-live-clicks";

/** "+12%" against the previous period of the same length; nothing to compare with reads as such. */
export function describeChange(current: number, previous: number | null): { text: string; direction: "up" | "down" | "flat" | "none" } {
  if (previous === null) return { text: "", direction: "none" };
  if (previous === 0) return current === 0 ? { text: "no change", direction: "flat" } : { text: "new", direction: "up" };
  const percent = Math.round(((current - previous) / previous) * 100);
  if (percent === 0) return { text: "no change", direction: "flat" };
  return { text: `${percent > 0 ? "+" : ""}${percent.toLocaleString("en")}%`, direction: percent > 0 ? "up" : "down" };
}

function Figure({ id, label, value, previous }: { id: string; label: string; value: number; previous: number | null }) {
  const change = describeChange(value, previous);
  return (
    <div className="min-w-0 rounded-xl border bg-card px-5 py-4 shadow-xs">
      <dt className="text-sm text-muted-foreground">{label}</dt>
      <dd className="mt-1 flex flex-wrap items-baseline gap-x-2">
        <span className="text-2xl font-semibold tracking-tight tabular-nums" data-testid={`total-${id}`}>
          {value.toLocaleString("en")}
        </span>
        {change.direction !== "none" ? (
          <span
            className={cn(
              "inline-flex items-center gap-0.5 text-xs font-medium",
              change.direction === "up" && "text-success",
              change.direction === "down" && "text-destructive",
              change.direction === "flat" && "text-muted-foreground",
            )}
          >
            {change.direction === "up" ? <ArrowUpRight aria-hidden="true" className="size-3.5" /> : null}
            {change.direction === "down" ? <ArrowDownRight aria-hidden="true" className="size-3.5" /> : null}
            {change.text}
            <span className="sr-only"> against the previous period ({previous?.toLocaleString("en")})</span>
          </span>
        ) : null}
      </dd>
    </div>
  );
}

/** Clicks and unique visitors of the period with the change against the one before, and the live half hour. */
export function Headline({
  totals,
  realtime,
  liveStatus,
}: {
  totals: AnalyticsTotals | undefined;
  realtime: AnalyticsRealtime | undefined;
  liveStatus: LiveStatus;
}) {
  return (
    <dl className="grid grid-cols-1 gap-3 sm:grid-cols-2 sm:gap-4 xl:grid-cols-3">
      {totals ? (
        <>
          <Figure id="clicks" label="Clicks" value={totals.clicks} previous={totals.previous?.clicks ?? null} />
          <Figure id="unique-visitors" label="Unique visitors" value={totals.uniqueVisitors} previous={totals.previous?.uniqueVisitors ?? null} />
        </>
      ) : (
        <>
          <Skeleton className="h-[84px] rounded-xl" />
          <Skeleton className="h-[84px] rounded-xl" />
        </>
      )}
      <LiveFigure realtime={realtime} status={liveStatus} />
    </dl>
  );
}

function LiveFigure({ realtime, status }: { realtime: AnalyticsRealtime | undefined; status: LiveStatus }) {
  const max = Math.max(1, ...(realtime?.minutes.map((minute) => minute.clicks) ?? [1]));
  return (
    <div className="min-w-0 rounded-xl border bg-card px-5 py-4 shadow-xs sm:col-span-2 xl:col-span-1">
      <dt className="flex items-center justify-between gap-2 text-sm text-muted-foreground">
        <span>Last 30 minutes</span>
        <span className="inline-flex items-center gap-1.5 text-xs" data-testid="live-status" data-status={status}>
          <span className={cn("size-2 rounded-full", status === "live" ? "animate-pulse bg-success" : "bg-warning")} aria-hidden="true" />
          {status === "live" ? "Live" : status === "connecting" ? "Connecting…" : "Reconnecting…"}
        </span>
      </dt>
      <dd className="mt-1 flex items-end justify-between gap-3">
        <span className="text-2xl font-semibold tracking-tight tabular-nums" data-testid="live-total" aria-live="polite">
          {realtime ? realtime.total.toLocaleString("en") : "–"}
        </span>
        <span className="text-xs text-muted-foreground">{realtime ? `${realtime.lastFiveMinutes.toLocaleString("en")} in the last 5 min` : ""}</span>
      </dd>
      <dd className="mt-2 flex h-8 items-end gap-px" aria-hidden="true">
        {(realtime?.minutes ?? []).map((minute) => (
          <span
            key={String(minute.start)}
            className={cn("min-w-0 flex-1 rounded-t-[1px]", minute.clicks > 0 ? "bg-brand" : "bg-muted")}
            style={{ height: minute.clicks > 0 ? `${Math.max(12, (minute.clicks / max) * 100)}%` : "2px" }}
          />
        ))}
      </dd>
    </div>
  );
}
