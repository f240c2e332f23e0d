"use client";

import { useQuery } from "@tanstack/react-query";
import { ArrowLeft, Link2Off } from "lucide-react";
import Link from "next/link";
import { Suspense } from "react";
import { Button } from "~/components/ui/button";
import { Card } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { ErrorState } from "~/components/ui/error-state";
import { Skeleton } from "~/components/ui/skeleton";
import { isClientError } from "~/trpc/query-client";
import { describeApiError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { PageHeader } from "../../../_components/page-header";
import { AnalyticsDashboard } from "../../../analytics/_components/analytics-dashboard";
import { CopyButton } from "../../_components/copy-button";

/** One link: what it is, then the same analytics cards as /analytics, narrowed to it and live. */
export function LinkStatsPage({ id }: { id: string }) {
  const trpc = useTRPC();
  const link = useQuery(trpc.links.get.queryOptions({ id }));

  if (link.isPending) return <StatsSkeleton />;
  if (!link.data) {
    const missing = isClientError(link.error);
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
              description={describeApiError(link.error).message}
              onRetry={() => void link.refetch()}
              retrying={link.isFetching}
            />
          )}
        </Card>
      </div>
    );
  }

  const { data } = link;
  return (
    <div className="flex min-w-0 flex-col gap-6 sm:gap-8">
      <div className="min-w-0">
        <BackToLinks />
        <PageHeader
          className="mt-3"
          title={<span className="break-all">/{data.slug}</span>}
          // The destination has its own line below: the description is the title, when there is one, not the URL a second time.
          description={data.title ?? data.pageTitle ?? undefined}
          actions={<CopyButton text={data.shortUrl} label="Copy short link" showText variant="outline" size="sm" />}
        />
        <p className="mt-2 truncate text-sm text-muted-foreground" title={data.destinationUrl} data-testid="destination">
          Goes to{" "}
          <a href={data.destinationUrl} target="_blank" rel="noreferrer" className="text-foreground underline-offset-4 hover:underline">
            {data.destinationUrl}
          </a>
        </p>
        <p className="mt-1 text-sm text-muted-foreground">
          <span className="font-medium text-foreground tabular-nums" data-testid="total-all-time">
            {data.clicks.toLocaleString("en")}
          </span>{" "}
          clicks since it was made (bots left out).
        </p>
      </div>
      {/* The view lives in the URL, read on the client: Next wants that inside a Suspense boundary. */}
      <Suspense fallback={<Skeleton className="h-96 rounded-xl" />}>
        <AnalyticsDashboard linkId={data.id} />
      </Suspense>
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

function StatsSkeleton() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading the link's stats" className="flex flex-col gap-6 sm:gap-8">
      <div className="grid gap-3">
        <Skeleton className="h-4 w-20" />
        <Skeleton className="h-8 w-48" />
        <Skeleton className="h-4 w-72" />
      </div>
      <div className="grid gap-3 sm:grid-cols-2 sm:gap-4 xl:grid-cols-3">
        {[0, 1, 2].map((card) => (
          <Skeleton key={card} className="h-20 rounded-xl" />
        ))}
      </div>
      <Skeleton className="h-72 rounded-xl" />
    </div>
  );
}
