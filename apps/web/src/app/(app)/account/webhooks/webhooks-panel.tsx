"use client";

import { useQuery } from "@tanstack/react-query";
import { Webhook } from "lucide-react";
import { Card } from "~/components/ui/card";
import { EmptyState } from "~/components/ui/empty-state";
import { ErrorState } from "~/components/ui/error-state";
import { Skeleton } from "~/components/ui/skeleton";
import { describeApiError } from "~/trpc/errors";
import { useTRPC } from "~/trpc/react";
import { CreateEndpointCard } from "./create-endpoint-card";
import { EndpointCard } from "./endpoint-card";

/** The user's endpoints, each with its delivery log, and the form that adds one. */
export function WebhooksPanel() {
  const trpc = useTRPC();
  const endpoints = useQuery(trpc.webhooks.list.queryOptions(undefined, { staleTime: 0, refetchInterval: 10_000 }));
  return (
    <>
      <CreateEndpointCard />
      {endpoints.isPending ? (
        <Card role="status" aria-busy="true" aria-label="Loading your endpoints" className="grid gap-3 p-6">
          <Skeleton className="h-5 w-64 max-w-full" />
          <Skeleton className="h-4 w-40" />
          <Skeleton className="h-16 w-full" />
        </Card>
      ) : endpoints.isError ? (
        <Card>
          <ErrorState
            title="Your endpoints could not be loaded"
            description={describeApiError(endpoints.error).message}
            onRetry={() => void endpoints.refetch()}
            retrying={endpoints.isFetching}
          />
        </Card>
      ) : endpoints.data.length === 0 ? (
        <Card>
          <EmptyState
            icon={<Webhook />}
            title="No endpoints yet"
            description="Add one above and Hop tells it about your links as things happen; send it a test event to check your receiver."
          />
        </Card>
      ) : (
        <ul aria-label="Webhook endpoints" className="grid gap-6">
          {endpoints.data.map((endpoint) => (
            <li key={endpoint.id}>
              <EndpointCard endpoint={endpoint} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
