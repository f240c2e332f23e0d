"use client";

import { directClicksExportLimit, type AnalyticsDimension, type AnalyticsFilter } from "@hop/validators";
import { keepPreviousData, useMutation, useQuery, useQueryClient, type UseQueryResult } from "@tanstack/react-query";
import { Download, FileDown, Info, TriangleAlert } from "lucide-react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Alert, AlertDescription } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { PreparedExport } from "~/components/exports/export-status";
import { describeApiError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { apiPeriod, serializeAnalyticsView } from "~/lib/analytics-view";
import { cardsFor } from "./cards";
import { download, zipCsvFiles } from "./csv";
import { analyticsCsvFiles } from "./export-files";
import { FilterBar } from "./filter-bar";
import { Headline } from "./headline";
import { TimeSeriesCard } from "./timeseries-card";
import { TopCard, type TopCardQuery } from "./top-card";
import type { AnalyticsTop } from "./types";
import { useAnalyticsView } from "./use-analytics-view";
import { useLiveClicks } from "./use-live-clicks";
import { ViewControls } from "./view-controls";

/**
 * Live updates refresh the cards at most this often: a burst of batches costs
 * one round of queries a second. A page whose round takes longer (a large
 * account) waits twice that round between two, so that a steady stream of
 * clicks never keeps the database busy with one dashboard.
 */
const refreshEveryMs = 1_000;
const exportTopLimit = 100;

function topQueryState(query: Pick<UseQueryResult<TopCardQuery["data"], unknown>, "data" | "error" | "isFetching" | "refetch">): TopCardQuery {
  return {
    data: query.data,
    error: query.error ? describeApiError(query.error).message : null,
    retrying: query.isFetching,
    retry: () => void query.refetch(),
  };
}

/**
 * The analytics of all the account's links (`/analytics`) or of one
 * (`linkId`, on the link's page): headline numbers, the live half hour, the
 * time series and the cards, every one of them under the same period, zone
 * and filters from the URL, refreshed when the server says clicks were
 * counted.
 */
export function AnalyticsDashboard({ linkId }: { linkId?: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { view, timeZone, setView, addFilter, removeFilter, clearFilters } = useAnalyticsView();
  const cards = useMemo(() => cardsFor(linkId !== undefined), [linkId]);
  const [activeTabs, setActiveTabs] = useState<Record<string, AnalyticsDimension>>({});

  const filters: AnalyticsFilter[] = useMemo(
    () => (linkId ? [{ dimension: "link", op: "is", value: linkId }, ...view.filters] : view.filters),
    [linkId, view.filters],
  );
  const input = useMemo(
    () => ({ period: apiPeriod(view, timeZone ?? "UTC"), timezone: timeZone ?? "UTC", filters, includeBots: view.includeBots }),
    [view, timeZone, filters],
  );
  const ready = timeZone !== null;
  const options = { enabled: ready, placeholderData: keepPreviousData, staleTime: 30_000 } as const;

  const totals = useQuery(trpc.analytics.totals.queryOptions(input, options));
  const series = useQuery(trpc.analytics.timeseries.queryOptions(input, options));
  const realtime = useQuery(trpc.analytics.realtime.queryOptions({ filters, includeBots: view.includeBots }, options));
  const activeOf = (cardId: string) => activeTabs[cardId] ?? cards.find((card) => card.id === cardId)?.tabs[0]?.dimension ?? "country";
  // One query per card (its active tab), in a fixed order of hooks; a card the view does not show asks nothing.
  const shown = (cardId: string) => ({ ...options, enabled: ready && cards.some((card) => card.id === cardId) });
  const topsById: Record<string, ReturnType<typeof useQuery<AnalyticsTop, unknown>>> = {
    links: useQuery(trpc.analytics.top.queryOptions({ ...input, dimension: activeOf("links") }, shown("links"))),
    sources: useQuery(trpc.analytics.top.queryOptions({ ...input, dimension: activeOf("sources") }, shown("sources"))),
    location: useQuery(trpc.analytics.top.queryOptions({ ...input, dimension: activeOf("location") }, shown("location"))),
    tech: useQuery(trpc.analytics.top.queryOptions({ ...input, dimension: activeOf("tech") }, shown("tech"))),
  };
  const tops = cards.map((card) => topsById[card.id]).filter((query) => query !== undefined);
  const linkNames = useMemo(() => {
    const names = new Map<string, string>();
    const links = topsById.links?.data;
    for (const row of links?.dimension === "link" ? links.rows : []) names.set(row.value, `/${row.label}`);
    return names;
  }, [topsById.links?.data]);

  // Live: the server says clicks were counted; the cards ask again. One round at a time, the next one at least a gap
  // after the last began; an update during a round is followed by one more round, so the last one is always seen.
  const rounds = useRef<{ running: boolean; dirty: boolean; timer: ReturnType<typeof setTimeout> | null; last: number; gap: number }>({
    running: false,
    dirty: false,
    timer: null,
    last: 0,
    gap: refreshEveryMs,
  });
  const refresh = useCallback(() => {
    const state = rounds.current;
    state.dirty = true;
    if (state.running || state.timer) return;
    const run = () => {
      state.timer = null;
      state.running = true;
      state.dirty = false;
      const started = Date.now();
      state.last = started;
      void Promise.allSettled([
        queryClient.invalidateQueries(trpc.analytics.pathFilter()),
        // A link's page shows its all-time count too.
        linkId ? queryClient.invalidateQueries(trpc.links.get.queryFilter({ id: linkId })) : null,
      ]).then(() => {
        state.gap = Math.max(refreshEveryMs, 2 * (Date.now() - started));
        state.running = false;
        if (state.dirty) schedule();
      });
    };
    const schedule = () => {
      const wait = state.last + state.gap - Date.now();
      if (wait <= 0) run();
      else state.timer = setTimeout(run, wait);
    };
    schedule();
  }, [queryClient, trpc, linkId]);
  useEffect(() => () => clearTimeout(rounds.current.timer ?? undefined), []);
  const liveStatus = useLiveClicks((update) => {
    if (update && linkId && !update.links[linkId]) return;
    refresh();
  });

  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const exportZip = async () => {
    setExporting(true);
    setExportError(null);
    try {
      const dimensions = cards.flatMap((card) => card.tabs.map((tab) => tab.dimension));
      const [totalsData, seriesData, ...topData] = await Promise.all([
        queryClient.fetchQuery(trpc.analytics.totals.queryOptions(input)),
        queryClient.fetchQuery(trpc.analytics.timeseries.queryOptions(input)),
        ...dimensions.map((dimension) => queryClient.fetchQuery(trpc.analytics.top.queryOptions({ ...input, dimension, limit: exportTopLimit }))),
      ]);
      const zip = zipCsvFiles(analyticsCsvFiles(totalsData, seriesData, topData));
      download(`hop-analytics-${new Date().toISOString().slice(0, 10)}.zip`, zip, "application/zip");
    } catch (error) {
      setExportError(describeApiError(error).message);
    } finally {
      setExporting(false);
    }
  };
  const rawQuery = serializeAnalyticsView({ ...view, filters, timezone: input.timezone });
  // Up to directClicksExportLimit clicks (the rollups' count) download at once; more are prepared by a worker.
  const rawDirect = (totals.data?.clicks ?? 0) <= directClicksExportLimit;
  const prepareRaw = useMutation(trpc.exports.create.mutationOptions());

  const firstError = [totals, series, ...tops].find((query) => query.error)?.error;
  const empty = totals.data && totals.data.clicks === 0 && view.filters.length === 0;

  return (
    <div className="flex min-w-0 flex-col gap-5 sm:gap-6">
      <div className="flex flex-col gap-4 lg:flex-row lg:items-end lg:justify-between">
        <ViewControls view={view} timeZone={timeZone} onChange={setView} />
        <div className="flex flex-wrap gap-2">
          <Button variant="outline" size="sm" onClick={() => void exportZip()} loading={exporting} data-testid="export-zip">
            <Download aria-hidden="true" />
            Export CSV (ZIP)
          </Button>
          {rawDirect ? (
            <Button asChild variant="outline" size="sm">
              <a href={`/api/analytics/clicks.csv?${rawQuery}`} download data-testid="export-raw">
                <FileDown aria-hidden="true" />
                Raw clicks CSV
              </a>
            </Button>
          ) : (
            <Button
              variant="outline"
              size="sm"
              loading={prepareRaw.isPending}
              onClick={() => prepareRaw.mutate({ kind: "clicks", query: input })}
              data-testid="export-raw-prepare"
            >
              <FileDown aria-hidden="true" />
              Prepare raw clicks CSV
            </Button>
          )}
        </div>
      </div>
      {prepareRaw.data ? (
        <Alert variant="info">
          <Info aria-hidden="true" />
          <AlertDescription className="grid w-full gap-2">
            <span>
              {totals.data?.clicks.toLocaleString()} clicks are more than a direct download carries: the file is being prepared, and stays listed under Account,
              Exports.
            </span>
            <PreparedExport id={prepareRaw.data.id} />
          </AlertDescription>
        </Alert>
      ) : null}
      {prepareRaw.error ? (
        <Alert variant="destructive">
          <TriangleAlert aria-hidden="true" />
          <AlertDescription>The export could not be started: {describeApiError(prepareRaw.error).message}</AlertDescription>
        </Alert>
      ) : null}
      {exportError ? (
        <Alert variant="destructive">
          <TriangleAlert aria-hidden="true" />
          <AlertDescription>The export failed: {exportError}</AlertDescription>
        </Alert>
      ) : null}
      <FilterBar filters={view.filters} linkNames={linkNames} onRemove={removeFilter} onClear={clearFilters} />
      {firstError && !totals.data ? (
        <Alert variant="destructive">
          <TriangleAlert aria-hidden="true" />
          <AlertDescription>The analytics could not be loaded: {describeApiError(firstError).message}</AlertDescription>
        </Alert>
      ) : null}
      {empty ? (
        <Alert variant="info">
          <Info aria-hidden="true" />
          <AlertDescription>
            No clicks in this period yet. Share a short link: its clicks appear here within seconds, without reloading the page.
          </AlertDescription>
        </Alert>
      ) : null}
      <Headline totals={totals.data} realtime={realtime.data} liveStatus={liveStatus} />
      <TimeSeriesCard
        series={series.data}
        error={series.error ? describeApiError(series.error).message : null}
        onRetry={() => void series.refetch()}
        retrying={series.isFetching}
      />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2 lg:gap-6">
        {cards.map((card) => {
          const query = topsById[card.id];
          if (!query || card.tabs.length === 0) return null;
          return (
            <TopCard
              key={card.id}
              card={card}
              active={activeOf(card.id)}
              onTab={(dimension) => setActiveTabs((current) => ({ ...current, [card.id]: dimension }))}
              query={topQueryState(query)}
              onFilter={addFilter}
            />
          );
        })}
      </div>
    </div>
  );
}
