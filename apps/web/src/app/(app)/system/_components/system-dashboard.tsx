"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { GitCompareArrows, ServerOff, WifiOff } from "lucide-react";
import { Alert, AlertDescription, AlertTitle } from "~/components/ui/alert";
import { Badge } from "~/components/ui/badge";
import { Card, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { ErrorState, type ErrorStateProps } from "~/components/ui/error-state";
import { formatAgo } from "~/lib/time";
import { useQueryFailure } from "~/lib/use-query-failure";
import { useNow } from "~/lib/use-now";
import { describeApiError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { PageHeader } from "../../_components/page-header";
import { countLabel, kindsWithMixedBuilds, liveBuildsByKind, shortBuildId, type LiveBuild } from "./builds";
import { InstancesTable, InstancesTableSkeleton } from "./instances-table";
import { LiveIndicator, type LiveState } from "./live-indicator";
import { ProbePanel } from "./probe-panel";
import { QueueStatCards } from "./queue-stats";

/** Both lists refresh on their own this often, while the tab is visible. */
const refreshMs = 2_000;
const liveQuery = { refetchInterval: refreshMs, staleTime: 0, retry: 1 } as const;

/** The operator's view of the cluster: every live process, the job queue, and a test job to follow through it. */
export function SystemDashboard() {
  const trpc = useTRPC();
  const instances = useQuery(trpc.system.instances.queryOptions(undefined, liveQuery));
  const queue = useQuery(trpc.system.queue.queryOptions(undefined, liveQuery));
  const now = useNow(1_000);

  const instancesFailure = useQueryFailure(instances);
  const queueFailure = useQueryFailure(queue);

  const failing = instancesFailure.failing || queueFailure.failing;
  const anyData = instances.data !== undefined || queue.data !== undefined;
  const liveState: LiveState = failing ? (anyData ? "reconnecting" : "offline") : instances.data && queue.data ? "live" : "connecting";
  const updatedAt = Math.min(...[instances.dataUpdatedAt, queue.dataUpdatedAt].filter((time) => time > 0));

  const builds = instances.data ? liveBuildsByKind(instances.data) : undefined;
  const mixedKinds = builds ? kindsWithMixedBuilds(builds) : [];
  const counts = instances.data
    ? (["web", "worker"] as const).map((kind) => countLabel(instances.data.filter((instance) => instance.kind === kind).length, kind)).join(" · ")
    : null;

  return (
    <div className="flex flex-col gap-6 sm:gap-8">
      <PageHeader
        title="System"
        description="Every live web and worker process of this Hop, from their heartbeats, and the durable job queue they share."
        actions={<LiveIndicator state={liveState} updatedAt={Number.isFinite(updatedAt) ? updatedAt : 0} now={now} refreshMs={refreshMs} />}
      />

      {instancesFailure.failing && queueFailure.failing && anyData ? (
        <Alert variant="warning">
          <WifiOff aria-hidden="true" />
          <AlertTitle>Lost contact with the API</AlertTitle>
          <AlertDescription>
            Showing what was live {Number.isFinite(updatedAt) ? formatAgo(new Date(updatedAt).toISOString(), now) : "earlier"}; this page keeps trying every{" "}
            {refreshMs / 1000} s.
          </AlertDescription>
        </Alert>
      ) : null}

      {builds && mixedKinds.length > 0 ? <DeployInProgress builds={mixedKinds.map((kind) => builds[kind])} /> : null}

      {liveState === "offline" ? (
        <Card>
          <ApiErrorState
            title="Hop's API could not be reached"
            error={instancesFailure.error ?? queueFailure.error}
            onRetry={() => Promise.all([instances.refetch(), queue.refetch()])}
            className="py-16"
          />
        </Card>
      ) : (
        <>
          {queueFailure.failing && !queue.data ? (
            <Card>
              <ApiErrorState title="The job queue could not be read" error={queueFailure.error} onRetry={() => queue.refetch()} className="py-8" />
            </Card>
          ) : (
            <QueueStatCards stats={queue.data} />
          )}

          <Card className="overflow-hidden">
            <CardHeader className="gap-3 sm:flex-row sm:items-start sm:justify-between">
              <div className="flex flex-col gap-1.5">
                <CardTitle>Processes</CardTitle>
                <CardDescription>A process appears with its first heartbeat (every 2 s) and leaves when it stops or misses three.</CardDescription>
              </div>
              {counts ? (
                <div className="flex flex-wrap items-center gap-2 sm:justify-end">
                  {mixedKinds.length > 0 ? (
                    <Badge variant="warning" title="Instances of different builds are live at once">
                      <GitCompareArrows aria-hidden="true" />
                      Mixed builds
                    </Badge>
                  ) : null}
                  <p className="text-sm font-medium whitespace-nowrap" data-testid="instance-counts">
                    {counts}
                  </p>
                </div>
              ) : null}
            </CardHeader>
            {instances.data ? (
              instances.data.length > 0 && builds ? (
                <InstancesTable instances={instances.data} builds={builds} now={now} stale={instancesFailure.failing} />
              ) : (
                <EmptyState
                  className="border-t"
                  icon={<ServerOff />}
                  title="No live processes"
                  description={
                    <>
                      No web or worker process has sent a heartbeat in the last few seconds. Start Hop with{" "}
                      <code className="rounded bg-muted px-1 py-0.5 font-mono text-[13px] text-foreground">pnpm dev</code>, and check that every process can
                      reach Redis.
                    </>
                  }
                />
              )
            ) : instancesFailure.failing ? (
              <ApiErrorState
                className="border-t"
                title="The processes could not be listed"
                error={instancesFailure.error}
                onRetry={() => instances.refetch()}
              />
            ) : (
              <InstancesTableSkeleton />
            )}
          </Card>

          <ProbePanel instances={instances.data} />
        </>
      )}
    </div>
  );
}

/**
 * An ErrorState with the failed call put into words, the raw error underneath
 * for the operator, and a "Try again" that spins only for the user's own
 * retry (the page's background refreshes would otherwise keep it busy).
 */
function ApiErrorState({
  error,
  onRetry,
  ...props
}: Omit<ErrorStateProps, "description" | "onRetry" | "retrying"> & { error: unknown; onRetry: () => Promise<unknown> }) {
  const [retrying, setRetrying] = useState(false);
  const { message, detail } = describeApiError(error);
  return (
    <ErrorState
      {...props}
      retrying={retrying}
      onRetry={() => {
        setRetrying(true);
        void onRetry().finally(() => setRetrying(false));
      }}
      description={
        <>
          <p>{message}</p>
          {detail ? <p className="mt-2 font-mono text-xs break-words text-muted-foreground/80">{detail}</p> : null}
        </>
      }
    />
  );
}

function DeployInProgress({ builds }: { builds: LiveBuild[][] }) {
  return (
    <Alert variant="warning">
      <GitCompareArrows aria-hidden="true" />
      <AlertTitle>Deploy in progress: more than one build is live</AlertTitle>
      <AlertDescription>
        <ul className="mt-1 space-y-0.5">
          {builds.map((kindBuilds) => (
            <li key={kindBuilds[0]?.kind}>
              {kindBuilds[0]?.kind === "web" ? "Web" : "Workers"}:{" "}
              {kindBuilds.map((build, index) => (
                <span key={build.buildId}>
                  {index > 0 ? ", " : null}
                  <code className="font-mono font-medium" title={build.buildId}>
                    {shortBuildId(build.buildId)}
                  </code>{" "}
                  on {build.instances} {build.instances === 1 ? "instance" : "instances"}
                </span>
              ))}
            </li>
          ))}
        </ul>
        <p className="mt-1.5">This is expected while a rollout replaces old instances. If it lasts, an old instance may be stuck.</p>
      </AlertDescription>
    </Alert>
  );
}
