"use client";

import type { SystemQueue } from "@hop/validators";
import { Activity, Hourglass, Inbox, MousePointerClick, TriangleExclamationPoint, type LucideIcon } from "lucide-react";
import { Skeleton } from "~/components/ui/skeleton";
import { cn } from "~/lib/utils";

interface StatCard {
  key: string;
  label: string;
  hint: string;
  unit: [one: string, many: string];
  icon: LucideIcon;
  read: (stats: SystemQueue) => number | undefined;
  /** A value above zero is shown as a problem. */
  alarming?: boolean;
}

const cards: StatCard[] = [
  { key: "queued", label: "Queued", hint: "waiting, scheduled or retrying", unit: ["job", "jobs"], icon: Inbox, read: (stats) => stats.queued },
  { key: "running", label: "Running", hint: "locked by a worker now", unit: ["job", "jobs"], icon: Activity, read: (stats) => stats.running },
  {
    key: "failed",
    label: "Failed",
    hint: "out of attempts",
    unit: ["job", "jobs"],
    icon: TriangleExclamationPoint,
    read: (stats) => stats.failed,
    alarming: true,
  },
  {
    key: "clicks-unread",
    label: "Clicks unread",
    hint: "in the stream, not read by a worker yet",
    unit: ["click", "clicks"],
    icon: MousePointerClick,
    read: (stats) => stats.clicks?.unread,
  },
  {
    key: "clicks-pending",
    label: "Clicks pending",
    hint: "read by a worker, not committed yet",
    unit: ["click", "clicks"],
    icon: Hourglass,
    read: (stats) => stats.clicks?.pending,
  },
];

/**
 * The durable queue's job counts and the clicks stream's lag, as five cards.
 * Each card's text reads as a sentence ("Failed 0 jobs, out of attempts") for
 * screen readers and tests. Click counts show "–" when Redis could not be asked.
 */
export function QueueStatCards({ stats }: { stats: SystemQueue | undefined }) {
  return (
    <section aria-labelledby="queue-title">
      <h2 id="queue-title" className="sr-only">
        Job queue and click ingestion
      </h2>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 sm:gap-4 lg:grid-cols-5">
        {cards.map(({ key, label, hint, unit, icon: Icon, read, alarming: alarmingAboveZero }) => {
          const value = stats ? read(stats) : undefined;
          const unknown = stats !== undefined && value === undefined;
          const alarming = alarmingAboveZero === true && value !== undefined && value > 0;
          return (
            <div
              key={key}
              // The test id appears with the first count, so a reader of the card never sees a placeholder.
              data-testid={stats === undefined ? undefined : `queue-${key}`}
              aria-busy={stats === undefined || undefined}
              className={cn(
                "flex flex-col rounded-xl border bg-card p-3.5 shadow-xs sm:p-5",
                alarming && "border-destructive/40 bg-destructive-soft text-destructive-soft-foreground",
              )}
            >
              <dt className="flex items-center justify-between gap-2 text-xs font-medium text-muted-foreground sm:text-sm">
                <span className={cn(alarming && "text-destructive-soft-foreground")}>{label}</span>{" "}
                <Icon aria-hidden="true" className={cn("size-4 shrink-0", alarming ? "text-destructive" : "text-muted-foreground/70")} />
              </dt>{" "}
              <dd className="mt-2 flex flex-col gap-0.5">
                {stats === undefined ? (
                  <Skeleton className="h-8 w-12" />
                ) : (
                  <span className="text-2xl font-semibold tracking-tight sm:text-3xl" data-numeric>
                    {unknown ? "–" : value?.toLocaleString("en")}
                  </span>
                )}{" "}
                {stats === undefined ? null : (
                  <span className="hidden text-xs text-muted-foreground sm:block">
                    {unknown ? "Redis could not be asked" : `${value === 1 ? unit[0] : unit[1]}, ${hint}`}
                  </span>
                )}
              </dd>
            </div>
          );
        })}
      </dl>
    </section>
  );
}
