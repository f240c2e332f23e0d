"use client";

import type { QueueStats } from "@hop/validators";
import { Activity, Inbox, TriangleExclamationPoint, type LucideIcon } from "lucide-react";
import { Skeleton } from "~/components/ui/skeleton";
import { cn } from "~/lib/utils";

const cards: { key: keyof QueueStats; label: string; hint: string; icon: LucideIcon }[] = [
  { key: "queued", label: "Queued", hint: "waiting, scheduled or retrying", icon: Inbox },
  { key: "running", label: "Running", hint: "locked by a worker now", icon: Activity },
  { key: "failed", label: "Failed", hint: "out of attempts", icon: TriangleExclamationPoint },
];

/**
 * The durable queue's job counts as three cards. Each card's text reads as a
 * sentence ("Failed 0 jobs, out of attempts") for screen readers and tests.
 */
export function QueueStatCards({ stats }: { stats: QueueStats | undefined }) {
  return (
    <section aria-labelledby="queue-title">
      <h2 id="queue-title" className="sr-only">
        Job queue
      </h2>
      <dl className="grid grid-cols-3 gap-3 sm:gap-4">
        {cards.map(({ key, label, hint, icon: Icon }) => {
          const value = stats?.[key];
          const alarming = key === "failed" && value !== undefined && value > 0;
          return (
            <div
              key={key}
              // The test id appears with the first count, so a reader of the card never sees a placeholder.
              data-testid={value === undefined ? undefined : `queue-${key}`}
              aria-busy={value === undefined || undefined}
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
                {value === undefined ? (
                  <Skeleton className="h-8 w-12" />
                ) : (
                  <span className="text-2xl font-semibold tracking-tight sm:text-3xl" data-numeric>
                    {value.toLocaleString("en")}
                  </span>
                )}{" "}
                {value === undefined ? null : (
                  <span className="hidden text-xs text-muted-foreground sm:block">
                    {value === 1 ? "job" : "jobs"}, {hint}
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
