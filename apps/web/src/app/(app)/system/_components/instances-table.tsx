"use client";

import type { InstanceRecord, ProcessKind } from "@hop/validators";
import { ExternalLink } from "lucide-react";
import { Badge, type BadgeProps } from "~/components/ui/badge";
import { Skeleton } from "~/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "~/components/ui/table";
import { formatAgo, formatCompactDateTime, formatDateTime } from "~/lib/time";
import { cn } from "~/lib/utils";
import { shortBuildId, type LiveBuild } from "./builds";

const kinds: readonly ProcessKind[] = ["web", "worker"];
const kindTitle: Record<ProcessKind, string> = { web: "Web processes", worker: "Worker processes" };
export const kindBadgeVariant: Record<ProcessKind, NonNullable<BadgeProps["variant"]>> = { web: "brand", worker: "info" };
const columnCount = 8;
/**
 * Narrower screens hide some columns (Build below sm; URL and Started below
 * md; Host, PID and Version below xl) and show their values on a second line
 * under the process id instead.
 */
const fromMd = "hidden md:table-cell";
const fromXl = "hidden xl:table-cell";

/** A heartbeat older than this has missed at least one beat (they come every 2 s; the record expires after 6 s). */
const lateHeartbeatMs = 4_000;

/** Builds after the first (most common) one of a kind get these colours, so a reader sees at once which instances run which build. */
const extraBuildVariants: NonNullable<BadgeProps["variant"]>[] = ["warning", "destructive", "success"];

export function InstancesTable({
  instances,
  builds,
  now,
  stale = false,
}: {
  instances: readonly InstanceRecord[];
  builds: Record<ProcessKind, LiveBuild[]>;
  now: number;
  /** The list is from before the API stopped answering: it is dimmed. */
  stale?: boolean;
}) {
  const groups = kinds
    .map((kind) => ({
      kind,
      rows: instances.filter((instance) => instance.kind === kind).sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id)),
    }))
    .filter((group) => group.rows.length > 0);

  return (
    <Table data-testid="instances-table" aria-label="Live processes" containerClassName={cn("transition-opacity", stale && "opacity-60")}>
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Process</TableHead>
          <TableHead className={fromXl}>Host</TableHead>
          <TableHead className={cn(fromXl, "text-right")}>PID</TableHead>
          <TableHead className={fromXl}>Version</TableHead>
          <TableHead className="hidden sm:table-cell">Build</TableHead>
          <TableHead className={fromMd}>URL</TableHead>
          <TableHead className={fromMd}>Started</TableHead>
          <TableHead>
            <span className="hidden sm:inline">Last heartbeat</span>
            <span className="sm:hidden">Heartbeat</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      {groups.map((group) => (
        <TableBody key={group.kind}>
          <tr className="border-y bg-muted/40">
            <th scope="rowgroup" colSpan={columnCount} className="px-5 py-2 text-left text-xs font-semibold text-foreground sm:px-6">
              {kindTitle[group.kind]} <span className="ml-1 font-normal text-muted-foreground">({group.rows.length})</span>
            </th>
          </tr>
          {group.rows.map((instance) => (
            <InstanceRow key={instance.id} instance={instance} builds={builds[instance.kind]} now={now} />
          ))}
        </TableBody>
      ))}
    </Table>
  );
}

function InstanceRow({ instance, builds, now }: { instance: InstanceRecord; builds: LiveBuild[]; now: number }) {
  const buildIndex = builds.findIndex((build) => build.buildId === instance.buildId);
  const buildVariant = buildIndex <= 0 ? "outline" : (extraBuildVariants[(buildIndex - 1) % extraBuildVariants.length] ?? "warning");
  const heartbeatAge = now - Date.parse(instance.lastHeartbeatAt);
  const late = heartbeatAge > lateHeartbeatMs;

  return (
    <TableRow data-testid="instance-row" data-kind={instance.kind} data-instance-id={instance.id}>
      <TableCell>
        <div className="flex items-center gap-2.5">
          <Badge variant={kindBadgeVariant[instance.kind]} className="w-14 justify-center">
            {instance.kind}
          </Badge>
          <span className="font-mono text-[13px] font-medium">{instance.id}</span>
        </div>
        <p className="mt-1 flex min-w-40 flex-wrap gap-x-1.5 text-xs leading-snug whitespace-normal text-muted-foreground xl:hidden [&>span:not(:first-child)]:before:mr-1.5 [&>span:not(:first-child)]:before:content-['·']">
          <span>{instance.host}</span>
          <span>pid {instance.pid}</span>
          <span>v{instance.version}</span>
          <span className="sm:hidden">build {shortBuildId(instance.buildId)}</span>
          {instance.url ? <span className="md:hidden">{instance.url.replace(/^https?:\/\//, "")}</span> : null}
          <span className="md:hidden">started {formatAgo(instance.startedAt, now)}</span>
        </p>
      </TableCell>
      <TableCell className={cn(fromXl, "max-w-44 truncate text-muted-foreground")} title={instance.host}>
        {instance.host}
      </TableCell>
      <TableCell className={cn(fromXl, "text-right font-mono text-[13px] text-muted-foreground")}>{instance.pid}</TableCell>
      <TableCell className={cn(fromXl, "text-muted-foreground")}>{instance.version}</TableCell>
      <TableCell className="hidden sm:table-cell">
        <Badge variant={buildVariant} className="font-mono" title={`Build ${instance.buildId}`}>
          {shortBuildId(instance.buildId)}
        </Badge>
      </TableCell>
      <TableCell className={fromMd}>
        {instance.url ? (
          <a
            href={instance.url}
            target="_blank"
            rel="noreferrer"
            className="inline-flex items-center gap-1 rounded-sm font-mono text-[13px] text-brand underline-offset-4 hover:underline"
          >
            {instance.url.replace(/^https?:\/\//, "")}
            <ExternalLink aria-hidden="true" className="size-3" />
            <span className="sr-only">(opens in a new tab)</span>
          </a>
        ) : (
          <span className="text-muted-foreground">
            <span aria-hidden="true">—</span>
            <span className="sr-only">none</span>
          </span>
        )}
      </TableCell>
      <TableCell className={fromMd}>
        <time dateTime={instance.startedAt} title={formatDateTime(instance.startedAt)} className="flex flex-col leading-tight">
          <span>{formatAgo(instance.startedAt, now)}</span>
          <span className="text-xs text-muted-foreground">{formatCompactDateTime(instance.startedAt, now)}</span>
        </time>
      </TableCell>
      <TableCell>
        <span className="inline-flex items-center gap-2">
          <span aria-hidden="true" className={cn("size-1.5 rounded-full", late ? "bg-warning" : "bg-success")} />
          <time dateTime={instance.lastHeartbeatAt} title={formatDateTime(instance.lastHeartbeatAt)}>
            {formatAgo(instance.lastHeartbeatAt, now)}
          </time>
          {late ? <span className="sr-only">(late)</span> : null}
        </span>
      </TableCell>
    </TableRow>
  );
}

/** The table's shape while the first answer is on its way. */
export function InstancesTableSkeleton({ rows = 4 }: { rows?: number }) {
  return (
    <div aria-busy="true" aria-label="Loading processes" role="status" className="px-5 pb-2 sm:px-6">
      <div className="flex gap-4 border-b py-3">
        {Array.from({ length: 6 }, (_, index) => (
          <Skeleton key={index} className="h-3 flex-1" />
        ))}
      </div>
      {Array.from({ length: rows }, (_, index) => (
        <div key={index} className="flex items-center gap-4 border-b py-4 last:border-0">
          <Skeleton className="h-5 w-14 rounded-full" />
          <Skeleton className="h-4 w-28" />
          <Skeleton className="h-4 flex-1" />
          <Skeleton className="hidden h-4 flex-1 sm:block" />
          <Skeleton className="hidden h-4 flex-1 md:block" />
          <Skeleton className="h-4 w-16" />
        </div>
      ))}
    </div>
  );
}
