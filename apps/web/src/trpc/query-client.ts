import type { AppRouter } from "@hop/api";
import { defaultShouldDehydrateQuery, QueryCache, QueryClient } from "@tanstack/react-query";
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
    queryCache: new QueryCache({ onError: (error) => (isSessionEnded(error) ? sendToSignIn() : undefined) }),
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

/** The API refused the session (signed out, revoked from another device, expired). */
function isSessionEnded(error: unknown): boolean {
  return isTRPCClientError<AppRouter>(error) && error.data?.code === "UNAUTHORIZED";
}

/**
 * A query of a signed-in page found the session gone (revoked on another
 * device, say): go to the sign-in page, which brings the user back here.
 * Mutations are left alone: a wrong password at sign-in is UNAUTHORIZED too.
 */
function sendToSignIn(): void {
  if (typeof window === "undefined") return;
  const { pathname, search } = window.location;
  if (pathname === "/signin" || pathname === "/signup") return;
  window.location.assign(`/signin?next=${encodeURIComponent(pathname + search)}`);
}

/** On sign-in and sign-out: nothing fetched for the previous visitor may show up for the next one. */
export async function forgetCachedData(queryClient: QueryClient): Promise<void> {
  await queryClient.cancelQueries();
  queryClient.clear();
}
