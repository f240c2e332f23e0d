import type { AppRouter } from "@hop/api";
import { defaultShouldDehydrateQuery, QueryClient } from "@tanstack/react-query";
import { isTRPCClientError } from "@trpc/client";
import superjson from "superjson";

/**
 * One QueryClient's defaults, shared by the browser and by server rendering.
 * Data crosses the server -> browser boundary with superjson (the same
 * transformer as the tRPC API), so Dates and Maps survive hydration; pending
 * queries are dehydrated too, so a server component can start a fetch and a
 * client component can finish it.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // With server rendering, data just fetched should not be refetched at once in the browser.
        staleTime: 30_000,
        retry: (failureCount, error) => failureCount < 2 && !isClientError(error),
      },
      dehydrate: {
        serializeData: superjson.serialize,
        shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query) || query.state.status === "pending",
        // Next detects dynamic rendering through errors it throws, and redacts
        // server errors itself (with a digest): leave them as they are.
        shouldRedactErrors: () => false,
      },
      hydrate: {
        deserializeData: superjson.deserialize,
      },
    },
  });
}

/** A 4xx from the API (bad input, not signed in, not found): asking again will not help. */
export function isClientError(error: unknown): boolean {
  if (!isTRPCClientError<AppRouter>(error)) return false;
  const status = error.data?.httpStatus;
  return status !== undefined && status >= 400 && status < 500;
}
