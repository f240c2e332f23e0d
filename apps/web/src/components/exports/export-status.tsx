"use client";

import type { RouterOutputs } from "@hop/api";
import { useQuery } from "@tanstack/react-query";
import { Download } from "lucide-react";
import { Badge } from "~/components/ui/badge";
import { Button } from "~/components/ui/button";
import { describeApiError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";

export type ExportSummary = RouterOutputs["exports"]["list"][number];

/** Refresh the list this often while an export is being prepared (the worker records progress about every second). */
export const preparingRefreshMs = 1_000;

export function isPreparing(row: Pick<ExportSummary, "status">): boolean {
  return row.status === "QUEUED" || row.status === "RUNNING";
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const statusLabels: Record<ExportSummary["status"], string> = { QUEUED: "Waiting", RUNNING: "Preparing", READY: "Ready", FAILED: "Failed" };

/** One export: what it holds, how far it is, and its download once ready. */
export function ExportLine({ row }: { row: ExportSummary }) {
  const what = row.kind === "links" ? `All links (${row.format.toUpperCase()})` : "Raw clicks (CSV)";
  return (
    <div data-testid="export-row" data-status={row.status} className="flex flex-wrap items-center gap-x-4 gap-y-2">
      <div className="grid min-w-0 flex-1 gap-0.5">
        <span className="font-medium">{what}</span>
        <span className="text-muted-foreground text-sm">
          {row.status === "FAILED"
            ? (row.error ?? "The export failed")
            : `${row.rows.toLocaleString()} rows${row.bytes > 0 ? `, ${formatBytes(row.bytes)} compressed` : ""} · asked ${row.createdAt.toLocaleString()}${
                row.status === "READY" ? ` · kept until ${row.expiresAt.toLocaleString()}` : ""
              }`}
        </span>
      </div>
      <Badge variant={row.status === "FAILED" ? "destructive" : row.status === "READY" ? "success" : "secondary"} aria-live="polite">
        {statusLabels[row.status]}
      </Badge>
      {row.downloadUrl ? (
        <Button asChild size="sm">
          <a href={row.downloadUrl} download data-testid="export-download">
            <Download aria-hidden="true" />
            Download {row.fileName}
          </a>
        </Button>
      ) : null}
    </div>
  );
}

/** An export just asked for on this page: followed until it is ready, then its download. */
export function PreparedExport({ id }: { id: string }) {
  const trpc = useTRPC();
  const state = useQuery(
    trpc.exports.get.queryOptions({ id }, { refetchInterval: (query) => (query.state.data && !isPreparing(query.state.data) ? false : preparingRefreshMs) }),
  );
  if (state.isError) return <p className="text-destructive text-sm">The export's state could not be read: {describeApiError(state.error).message}</p>;
  if (!state.data) return <p className="text-muted-foreground text-sm">Asking for the export…</p>;
  return <ExportLine row={state.data} />;
}
