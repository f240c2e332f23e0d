"use client";

import type { ImportProgress } from "@hop/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Alert, AlertDescription } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { describeApiError } from "~/trpc/errors";
import { useTRPC, useTRPCClient } from "~/trpc/react";

const statusLabels: Record<string, string> = {
  QUEUED: "Waiting for a worker",
  RUNNING: "Importing",
  SUCCEEDED: "Done",
  FAILED: "Failed",
  CANCELLED: "Cancelled",
};

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "—";
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ${Math.ceil(seconds % 60)} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * An import's progress, pushed: the page listens to /api/imports/events (any
 * instance; the worker publishes after each batch) and reads the import once
 * on every (re)connection, so nothing is polled.
 */
export function ImportProgressCard({ importId }: { importId: string }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const initial = useQuery(trpc.imports.get.queryOptions({ id: importId }, { staleTime: Number.POSITIVE_INFINITY }));
  const [pushed, setPushed] = useState<ImportProgress | null>(null);
  const cancel = useMutation(trpc.imports.cancel.mutationOptions());
  const [downloadError, setDownloadError] = useState<string | null>(null);

  useEffect(() => {
    const source = new EventSource("/api/imports/events");
    source.addEventListener("hello", () => void queryClient.invalidateQueries({ queryKey: trpc.imports.get.queryKey({ id: importId }) }));
    source.addEventListener("progress", (event) => {
      const progress = JSON.parse((event as MessageEvent<string>).data) as ImportProgress;
      if (progress.importId === importId) setPushed(progress);
    });
    return () => source.close();
  }, [importId, queryClient, trpc]);

  const base = initial.data;
  if (!base && !pushed) return initial.error ? <p role="alert">{describeApiError(initial.error).message}</p> : <p role="status">Starting…</p>;
  // The newer of the two: a push after the read, or a read (on reconnect) after the last push.
  const state =
    pushed && (!base || pushed.createdRows + pushed.failedRows + pushed.skippedRows >= base.createdRows + base.failedRows + base.skippedRows) ? pushed : base;
  if (!state) return null;
  const handled = state.createdRows + state.failedRows + state.skippedRows;
  const percent = state.totalRows > 0 ? Math.round((handled / state.totalRows) * 100) : 0;
  const startedAt = state.startedAt ? new Date(state.startedAt).getTime() : null;
  const elapsed = startedAt ? (Date.now() - startedAt) / 1000 : 0;
  const rate = elapsed > 0 ? handled / elapsed : 0;
  const finished = state.status !== "QUEUED" && state.status !== "RUNNING";

  const download = async () => {
    setDownloadError(null);
    try {
      const file = await client.imports.failedRowsCsv.query({ id: importId });
      const anchor = document.createElement("a");
      anchor.href = URL.createObjectURL(new Blob([file.csv], { type: "text/csv" }));
      anchor.download = file.fileName;
      anchor.click();
      URL.revokeObjectURL(anchor.href);
    } catch (error) {
      setDownloadError(describeApiError(error).message);
    }
  };

  return (
    <Card>
      <CardHeader>
        <CardTitle className="flex flex-wrap items-center gap-2">
          3. Import{" "}
          <Badge variant={state.status === "SUCCEEDED" ? "success" : finished ? "secondary" : "info"}>{statusLabels[state.status] ?? state.status}</Badge>
        </CardTitle>
        <CardDescription>You can leave this page: the import goes on, and its progress is here when you come back to it.</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        <div
          role="progressbar"
          aria-label="Rows imported"
          aria-valuemin={0}
          aria-valuemax={state.totalRows}
          aria-valuenow={handled}
          className="h-3 w-full overflow-hidden rounded-full bg-secondary"
        >
          <div className="h-full bg-brand transition-[width]" style={{ width: `${percent}%` }} />
        </div>
        {state.error ? (
          // Why the import stopped (the other server unreadable, its job's attempts used up: the rows created so far stay),
          // or what a finished one could not do (Shlink's visits unreadable with this key).
          <Alert variant={state.status === "FAILED" ? "destructive" : "default"} data-testid="import-error">
            <AlertDescription>{state.error}</AlertDescription>
          </Alert>
        ) : null}
        <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-3 lg:grid-cols-6" data-testid="import-counters">
          <div>
            <dt className="text-muted-foreground">Rows</dt>
            <dd>
              {handled.toLocaleString("en")} / {state.totalRows.toLocaleString("en")}
            </dd>
          </div>
          <div>
            <dt className="text-muted-foreground">Created</dt>
            <dd data-testid="created-rows">{state.createdRows.toLocaleString("en")}</dd>
          </div>
          <div>
            <dt className="text-muted-foreground">Failed</dt>
            <dd data-testid="failed-rows">{state.failedRows.toLocaleString("en")}</dd>
          </div>
          <div>
            <dt className="text-muted-foreground">Skipped</dt>
            <dd>{state.skippedRows.toLocaleString("en")}</dd>
          </div>
          <div>
            <dt className="text-muted-foreground">Rate</dt>
            <dd>{finished || rate === 0 ? "—" : `${Math.round(rate).toLocaleString("en")} rows/s`}</dd>
          </div>
          <div>
            <dt className="text-muted-foreground">Time left</dt>
            <dd>{finished ? "—" : formatDuration(rate > 0 ? (state.totalRows - handled) / rate : Number.NaN)}</dd>
          </div>
        </dl>
        <div className="flex flex-wrap gap-2">
          {finished ? null : (
            <Button variant="outline" loading={cancel.isPending} onClick={() => cancel.mutate({ id: importId })}>
              Cancel import
            </Button>
          )}
          {finished && state.failedRows + state.skippedRows > 0 ? (
            <Button variant="outline" onClick={() => void download()}>
              Download the rows not imported (CSV)
            </Button>
          ) : null}
        </div>
        {cancel.error || downloadError ? (
          <Alert variant="destructive">
            <AlertDescription>{downloadError ?? describeApiError(cancel.error).message}</AlertDescription>
          </Alert>
        ) : null}
      </CardContent>
    </Card>
  );
}
