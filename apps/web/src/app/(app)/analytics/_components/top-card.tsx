"use client";

import type { AnalyticsDimension, AnalyticsFilter } from "@hop/validators";
import { EyeOff, Inbox } from "lucide-react";
import { useId, useRef, type KeyboardEvent } from "react";
import { Card, CardContent, CardHeader, CardTitle } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { ErrorState } from "~/components/ui/error-state";
import { Skeleton } from "~/components/ui/skeleton";
import { cn } from "~/lib/utils";
import type { CardSpec } from "./cards";
import { countryFlag, valueLabel } from "./dimension-labels";
import type { AnalyticsTop } from "./types";

export interface TopCardQuery {
  data: AnalyticsTop | undefined;
  error: string | null;
  retrying: boolean;
  retry: () => void;
}

/**
 * One card: tabs over a few dimensions, the top values of the active one.
 * Clicking a row narrows the whole page to it ("is"); the eye button beside
 * it leaves it out ("is not").
 */
export function TopCard({
  card,
  active,
  onTab,
  query,
  onFilter,
}: {
  card: CardSpec;
  active: AnalyticsDimension;
  onTab: (dimension: AnalyticsDimension) => void;
  query: TopCardQuery;
  onFilter: (filter: AnalyticsFilter) => void;
}) {
  const id = useId();
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = (index + step + card.tabs.length) % card.tabs.length;
    const tab = card.tabs[next];
    if (!tab) return;
    onTab(tab.dimension);
    tabRefs.current[next]?.focus();
  };
  const activeTab = card.tabs.find((tab) => tab.dimension === active) ?? card.tabs[0];
  if (!activeTab) return null;

  return (
    <Card className="flex min-w-0 flex-col" data-testid={`card-${card.id}`}>
      <CardHeader className="gap-3 pb-3 sm:pb-3">
        <CardTitle>{card.title}</CardTitle>
        {card.tabs.length > 1 ? (
          <div role="tablist" aria-label={card.title} className="-mx-1 flex flex-wrap gap-1">
            {card.tabs.map((tab, index) => {
              const selected = tab.dimension === activeTab.dimension;
              return (
                <button
                  key={tab.dimension}
                  ref={(element) => {
                    tabRefs.current[index] = element;
                  }}
                  type="button"
                  role="tab"
                  id={`${id}-tab-${tab.dimension}`}
                  aria-selected={selected}
                  aria-controls={`${id}-panel`}
                  tabIndex={selected ? 0 : -1}
                  onClick={() => onTab(tab.dimension)}
                  onKeyDown={(event) => onKeyDown(event, index)}
                  className={cn(
                    "rounded-md px-2 py-1 text-[13px] font-medium transition-colors focus-visible:outline-2 focus-visible:outline-ring",
                    selected ? "bg-brand-soft text-brand-soft-foreground" : "text-muted-foreground hover:bg-accent hover:text-foreground",
                  )}
                >
                  {tab.label}
                </button>
              );
            })}
          </div>
        ) : null}
      </CardHeader>
      <CardContent id={`${id}-panel`} role="tabpanel" aria-labelledby={`${id}-tab-${activeTab.dimension}`} className="flex-1">
        <TopRows tab={activeTab.label} dimension={activeTab.dimension} query={query} onFilter={onFilter} />
      </CardContent>
    </Card>
  );
}

function TopRows({
  tab,
  dimension,
  query,
  onFilter,
}: {
  tab: string;
  dimension: AnalyticsDimension;
  query: TopCardQuery;
  onFilter: (filter: AnalyticsFilter) => void;
}) {
  if (query.error && !query.data) {
    return (
      <ErrorState
        headingLevel="h3"
        title={`${tab} could not be loaded`}
        description={query.error}
        onRetry={query.retry}
        retrying={query.retrying}
        className="py-6"
      />
    );
  }
  if (!query.data || query.data.dimension !== dimension) {
    return (
      <div role="status" aria-label={`Loading ${tab.toLowerCase()}`} className="grid gap-2">
        {[0, 1, 2, 3].map((row) => (
          <Skeleton key={row} className="h-8 w-full" />
        ))}
      </div>
    );
  }
  const rows = query.data.rows;
  if (rows.length === 0) {
    return <EmptyState icon={<Inbox />} title="No clicks here yet" description="Nothing in this period with these filters." className="py-6" />;
  }
  const max = Math.max(1, ...rows.map((row) => row.clicks));
  return (
    <ul className="grid gap-1" data-testid={`rows-${dimension}`}>
      {rows.map((row) => {
        const label = dimension === "link" ? `/${row.label}` : valueLabel(dimension, row.value);
        const flag = dimension === "country" ? countryFlag(row.value) : "";
        return (
          <li
            key={row.value}
            className="group relative flex min-w-0 items-center gap-1"
            data-testid="top-row"
            data-dimension={dimension}
            data-value={row.value}
            data-clicks={row.clicks}
          >
            <button
              type="button"
              onClick={() => onFilter({ dimension, op: "is", value: row.value })}
              aria-label={`${label}: ${row.clicks.toLocaleString("en")} clicks. Show only these`}
              className="relative flex min-w-0 flex-1 items-center justify-between gap-3 overflow-hidden rounded-md px-2 py-1.5 text-left text-sm focus-visible:outline-2 focus-visible:outline-ring"
            >
              <span
                aria-hidden="true"
                className="absolute inset-y-0 left-0 rounded-md bg-brand/12 transition-[width]"
                style={{ width: `${(row.clicks / max) * 100}%` }}
              />
              <span className="relative flex min-w-0 items-center gap-2">
                {flag ? (
                  <span aria-hidden="true" className="text-base leading-none">
                    {flag}
                  </span>
                ) : null}
                <span className="truncate" title={row.link?.url ?? label}>
                  {label}
                </span>
              </span>
              <span className="relative shrink-0 font-medium tabular-nums">{row.clicks.toLocaleString("en")}</span>
            </button>
            <button
              type="button"
              onClick={() => onFilter({ dimension, op: "isNot", value: row.value })}
              aria-label={`Leave out ${label}`}
              title="Leave these out"
              className={cn(
                "shrink-0 rounded-md p-1.5 text-muted-foreground hover:bg-accent hover:text-foreground focus-visible:opacity-100 focus-visible:outline-2 focus-visible:outline-ring",
                "opacity-60 sm:opacity-0 sm:group-hover:opacity-100",
              )}
            >
              <EyeOff aria-hidden="true" className="size-3.5" />
            </button>
          </li>
        );
      })}
    </ul>
  );
}
