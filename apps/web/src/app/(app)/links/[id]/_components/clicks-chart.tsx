import { cn } from "~/lib/utils";
import { dayLabel } from "./day-label";
import type { DayStats } from "./types";

const plural = (count: number, one: string, many: string) => `${count.toLocaleString()} ${count === 1 ? one : many}`;

/**
 * Clicks per day as bars, one per UTC day, today on the right. The picture is
 * one image to a screen reader, described in a sentence; the numbers
 * themselves are in the table under it.
 */
export function ClicksChart({ days }: { days: DayStats[] }) {
  const [first] = days;
  const middle = days[Math.floor(days.length / 2)];
  // links.stats answers every day of the range, so there is always a first day; nothing to draw otherwise.
  if (!first || !middle) return null;
  const peak = days.reduce((best, day) => (day.clicks > best.clicks ? day : best), first);
  const max = Math.max(peak.clicks, 1);
  const total = days.reduce((sum, day) => sum + day.clicks, 0);
  const description =
    total === 0
      ? `No clicks in the last ${days.length} days.`
      : `Clicks per day over the last ${days.length} days: ${plural(total, "click", "clicks")} in all, at most ${plural(peak.clicks, "click", "clicks")} on ${dayLabel(peak.day)}.`;

  return (
    <figure>
      <div className="flex gap-3">
        <div aria-hidden="true" className="flex w-8 shrink-0 flex-col justify-between pb-6 text-right text-xs text-muted-foreground tabular-nums">
          <span>{max.toLocaleString()}</span>
          <span>0</span>
        </div>
        <div className="min-w-0 flex-1">
          <div role="img" aria-label={description} data-testid="clicks-chart" className="flex h-48 items-end gap-[2px] border-b border-border sm:gap-1">
            {days.map((day) => (
              <div
                key={day.day}
                data-testid="day-bar"
                data-clicks={day.clicks}
                title={`${dayLabel(day.day, { weekday: "short", month: "short", day: "numeric" })}: ${plural(day.clicks, "click", "clicks")}, ${plural(day.uniqueVisitors, "unique visitor", "unique visitors")}${day.botClicks ? `, ${plural(day.botClicks, "bot click", "bot clicks")} left out` : ""}`}
                className="group flex h-full min-w-0 flex-1 items-end"
              >
                <div
                  className={cn("w-full rounded-t-sm transition-[height] duration-300", day.clicks > 0 ? "bg-brand group-hover:bg-brand-hover" : "bg-muted")}
                  style={{ height: day.clicks > 0 ? `max(3px, ${(day.clicks / max) * 100}%)` : "2px" }}
                />
              </div>
            ))}
          </div>
          <div aria-hidden="true" className="mt-2 flex justify-between text-xs text-muted-foreground">
            <span>{dayLabel(first.day)}</span>
            {days.length > 7 ? <span>{dayLabel(middle.day)}</span> : null}
            <span>Today</span>
          </div>
        </div>
      </div>
    </figure>
  );
}
