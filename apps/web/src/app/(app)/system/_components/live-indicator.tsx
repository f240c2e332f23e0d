"use client";

import { formatAgo, formatDateTime } from "~/lib/time";
import { cn } from "~/lib/utils";

export type LiveState = "connecting" | "live" | "reconnecting" | "offline";

const stateLabel: Record<LiveState, string> = {
  connecting: "Connecting",
  live: "Live",
  reconnecting: "Reconnecting",
  offline: "Offline",
};

const dotColour: Record<LiveState, string> = {
  connecting: "bg-muted-foreground",
  live: "bg-success",
  reconnecting: "bg-warning",
  offline: "bg-destructive",
};

/**
 * A small pill saying whether the page is keeping itself up to date. The
 * state word is announced when it changes; the ticking "updated 2 s ago" is
 * not (it would be read out every second).
 */
export function LiveIndicator({ state, updatedAt, now, refreshMs }: { state: LiveState; updatedAt: number; now: number; refreshMs: number }) {
  const updatedIso = updatedAt > 0 ? new Date(updatedAt).toISOString() : null;
  return (
    <div
      className="inline-flex items-center gap-2 rounded-full border bg-card py-1 pr-3 pl-2.5 text-xs font-medium shadow-xs"
      title={`Refreshes every ${refreshMs / 1000} s${updatedIso ? `; last update ${formatDateTime(updatedIso)}` : ""}`}
    >
      <span className="relative flex size-2" aria-hidden="true">
        {state === "live" ? <span className="absolute inline-flex size-full animate-live-ping rounded-full bg-success/60" /> : null}
        <span className={cn("relative inline-flex size-2 rounded-full", dotColour[state])} />
      </span>
      <span role="status" aria-live="polite">
        {stateLabel[state]}
      </span>
      {updatedIso ? (
        <span className="text-muted-foreground">
          <span aria-hidden="true">· </span>updated <time dateTime={updatedIso}>{formatAgo(updatedIso, now)}</time>
        </span>
      ) : null}
    </div>
  );
}
