"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { FileDown } from "lucide-react";
import { Alert, AlertDescription } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { ErrorState } from "~/components/ui/error-state";
import { Skeleton } from "~/components/ui/skeleton";
import { ExportLine, isPreparing, preparingRefreshMs } from "~/components/exports/export-status";
import { describeApiError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";

/**
 * Exports prepared by a worker (all links, or the raw clicks asked for on the
 * analytics page): their state, refreshed every second while one is being
 * prepared, and each file's download once ready, from any Hop server.
 */
export function ExportsCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const exports = useQuery(
    trpc.exports.list.queryOptions(undefined, {
      staleTime: 0,
      refetchInterval: (query) => (query.state.data?.some(isPreparing) ? preparingRefreshMs : false),
    }),
  );
  const create = useMutation(
    trpc.exports.create.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.exports.list.queryKey() }) }),
  );

  return (
    <Card data-testid="exports-card">
      <CardHeader className="sm:flex-row sm:items-start sm:justify-between">
        <div className="grid gap-1.5">
          <CardTitle>Exports</CardTitle>
          <CardDescription>
            Files prepared for you in the background: every link with its tags and total clicks, or the raw clicks of a period (from Analytics). Each can be
            downloaded for a while, then it is deleted.
          </CardDescription>
        </div>
        <div className="flex shrink-0 flex-wrap gap-2 self-start">
          <Button variant="outline" size="sm" loading={create.isPending} onClick={() => create.mutate({ kind: "links", format: "csv" })}>
            <FileDown aria-hidden="true" />
            Prepare links CSV
          </Button>
          <Button variant="outline" size="sm" loading={create.isPending} onClick={() => create.mutate({ kind: "links", format: "json" })}>
            <FileDown aria-hidden="true" />
            Prepare links JSON
          </Button>
        </div>
      </CardHeader>
      {create.error ? (
        <div className="px-5 pb-4 sm:px-6">
          <Alert variant="destructive">
            <AlertDescription>The export could not be started: {describeApiError(create.error).message}</AlertDescription>
          </Alert>
        </div>
      ) : null}
      {exports.isPending ? (
        <div className="grid gap-3 border-t px-5 py-4 sm:px-6" aria-busy="true">
          <span className="sr-only">Loading your exports</span>
          <Skeleton className="h-4 w-48" />
          <Skeleton className="h-3 w-72" />
        </div>
      ) : exports.isError ? (
        <ErrorState
          title="Your exports could not be loaded"
          description={describeApiError(exports.error).message}
          onRetry={() => void exports.refetch()}
          retrying={exports.isFetching}
        />
      ) : exports.data.length === 0 ? (
        <p className="border-t px-5 py-4 text-muted-foreground text-sm sm:px-6" data-testid="exports-empty">
          No exports yet. Prepare one here, or ask for the raw clicks of a long period on Analytics.
        </p>
      ) : (
        <ul aria-label="Your exports" className="divide-y border-t" data-testid="exports-list">
          {exports.data.map((row) => (
            <li key={row.id} className="px-5 py-4 sm:px-6">
              <ExportLine row={row} />
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
