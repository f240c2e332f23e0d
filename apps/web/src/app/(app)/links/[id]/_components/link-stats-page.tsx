"use client";

import { statsRanges, type StatsRange } from "@hop/validators";
import { useQuery } from "@tanstack/react-query";
import { ArrowLeft, Link2Off } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { Button } from "~/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { ErrorState } from "~/components/ui/error-state";
import { Skeleton } from "~/components/ui/skeleton";
import { formatAgo } from "~/lib/time";
import { useNow } from "~/lib/use-now";
import { useQueryFailure } from "~/lib/use-query-failure";
import { isClientError } from "~/trpc/query-client";
import { describeApiError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { PageHeader } from "../../../_components/page-header";
import { CopyButton } from "../../_components/copy-button";
import { ClicksChart } from "./clicks-chart";
import { DayTable } from "./day-table";
import type { LinkStats } from "./types";

/** Clicks arrive through the worker within a second or two; the page asks this often while it is open. */
const refreshMs = 5_000;

/** One link's clicks per day, refreshing by itself, so a user can watch a share take off. */
export function LinkStatsPage({ id }: { id: string }) {
  const trpc = useTRPC();
  const [days, setDays] = useState<StatsRange>(30);
  const stats = useQuery(trpc.links.stats.queryOptions({ id, days }, { refetchInterval: refreshMs, staleTime: 0, placeholderData: (previous) => previous }));
  const failure = useQueryFailure(stats);
  const now = useNow(1_000);

  if (stats.isPending) return <StatsSkeleton />;
  if (!stats.data) {
    const missing = isClientError(stats.error);
    return (
      <div className="flex flex-col gap-6">
        <div>
          <BackToLinks />
          <PageHeader className="mt-3" title="Link stats" />
        </div>
        <Card>
          {missing ? (
            <EmptyState
              icon={<Link2Off />}
              headingLevel="h2"
              title="This link does not exist"
              description="It may have been deleted, or it belongs to another account."
            />
          ) : (
            <ErrorState
              headingLevel="h2"
              title="The stats could not be loaded"
              description={describeApiError(stats.error).message}
              onRetry={() => void stats.refetch()}
              retrying={stats.isFetching}
            />
          )}
        </Card>
      </div>
    );
  }

  const { link } = stats.data;
  return (
    <div className="flex flex-col gap-6 sm:gap-8">
      <div>
        <BackToLinks />
        <PageHeader
          className="mt-3"
          title={<span className="break-all">/{link.slug}</span>}
          // The destination has its own line below: the description is the title, when there is one, not the URL a second time.
          description={link.title ?? link.pageTitle ?? undefined}
          actions={<CopyButton text={link.shortUrl} label="Copy short link" showText variant="outline" size="sm" />}
        />
        <p className="mt-2 truncate text-sm text-muted-foreground" title={link.destinationUrl} data-testid="destination">
          Goes to{" "}
          <a href={link.destinationUrl} target="_blank" rel="noreferrer" className="text-foreground underline-offset-4 hover:underline">
            {link.destinationUrl}
          </a>
        </p>
      </div>

      <Totals stats={stats.data} days={days} />

      <Card>
        <CardHeader className="sm:flex-row sm:items-start sm:justify-between">
          <div className="grid gap-1.5">
            <CardTitle>Clicks per day</CardTitle>
            <CardDescription>
              Days in UTC; bots are left out.{" "}
              <span aria-live="polite">
                {failure.failing
                  ? "Cannot reach the API; showing the last numbers."
                  : `Updated ${formatAgo(new Date(stats.dataUpdatedAt).toISOString(), now)}.`}
              </span>
            </CardDescription>
          </div>
          <RangePicker value={days} onChange={setDays} />
        </CardHeader>
        {/* One column that may shrink below its content: the chart and the day table fit a phone instead of widening the page. */}
        <CardContent className="grid grid-cols-1 gap-6">
          <ClicksChart days={stats.data.days} />
          {stats.data.clicksInRange === 0 ? (
            <p className="rounded-lg bg-muted/60 px-4 py-3 text-sm text-muted-foreground">
              No clicks in these {days} days yet. Share <span className="font-medium text-foreground">{link.shortUrl}</span>, and clicks show up here within
              seconds.
            </p>
          ) : null}
          <DayTable days={stats.data.days} />
        </CardContent>
      </Card>
    </div>
  );
}

function BackToLinks() {
  return (
    <Button asChild variant="link" size="sm">
      <Link href="/links">
        <ArrowLeft aria-hidden="true" />
        All links
      </Link>
    </Button>
  );
}

function Totals({ stats, days }: { stats: LinkStats; days: StatsRange }) {
  // Visitors are told apart within one UTC day only (the visitor hash rotates daily), so the range's figure is the days' sum.
  const uniqueVisitors = stats.days.reduce((sum, day) => sum + day.uniqueVisitors, 0);
  const items = [
    { key: "all-time", label: "All-time clicks", value: stats.link.clicks },
    { key: "in-range", label: `Clicks, last ${days} days`, value: stats.clicksInRange },
    { key: "unique-visitors", label: `Unique visitors, last ${days} days`, value: uniqueVisitors, hint: "Counted per day" },
    { key: "bots", label: `Bot clicks left out, last ${days} days`, value: stats.botClicksInRange },
  ];
  return (
    <dl className="grid grid-cols-1 gap-3 sm:grid-cols-2 sm:gap-4 xl:grid-cols-4">
      {items.map((item) => (
        <div key={item.key} className="rounded-xl border bg-card px-5 py-4 shadow-xs">
          <dt className="text-sm text-muted-foreground">{item.label}</dt>
          <dd className="mt-1 text-2xl font-semibold tracking-tight tabular-nums" data-testid={`total-${item.key}`}>
            {item.value.toLocaleString()}
          </dd>
          {item.hint ? <dd className="mt-0.5 text-xs text-muted-foreground">{item.hint}</dd> : null}
        </div>
      ))}
    </dl>
  );
}

function RangePicker({ value, onChange }: { value: StatsRange; onChange: (days: StatsRange) => void }) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: a set of toggle buttons is ARIA's role=group; a fieldset would make it a form section
    <div role="group" aria-label="Period" className="inline-flex self-start rounded-md border bg-muted/40 p-0.5">
      {statsRanges.map((days) => (
        <Button
          key={days}
          variant={days === value ? "outline" : "ghost"}
          size="sm"
          className="h-7 px-2.5"
          aria-pressed={days === value}
          onClick={() => onChange(days)}
        >
          {days} days
        </Button>
      ))}
    </div>
  );
}

function StatsSkeleton() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading the link's stats" className="flex flex-col gap-6 sm:gap-8">
      <div className="grid gap-3">
        <Skeleton className="h-4 w-20" />
        <Skeleton className="h-8 w-48" />
        <Skeleton className="h-4 w-72" />
      </div>
      <div className="grid gap-3 sm:grid-cols-2 sm:gap-4 xl:grid-cols-4">
        {[0, 1, 2, 3].map((card) => (
          <Skeleton key={card} className="h-20 rounded-xl" />
        ))}
      </div>
      <Skeleton className="h-72 rounded-xl" />
    </div>
  );
}
