"use client";

import type { AppRouter } from "@hop/api";
import { maxBatchSize } from "@hop/validators";
import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpBatchStreamLink, loggerLink, splitLink, type HTTPHeaders } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useState, type ReactNode } from "react";
import superjson from "superjson";
import { createQueryClient } from "./query-client";

/**
 * The browser's typed way to the API:
 *
 *   const trpc = useTRPC();
 *   const instances = useQuery(trpc.system.instances.queryOptions());
 *   const send = useMutation(trpc.system.sendProbe.mutationOptions());
 */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

let browserQueryClient: QueryClient | undefined;

/** One QueryClient per browser tab for the whole session; a fresh one per server render, so users never share a cache. */
function getQueryClient(): QueryClient {
  if (typeof window === "undefined") return createQueryClient();
  browserQueryClient ??= createQueryClient();
  return browserQueryClient;
}

/** Relative in the browser; during server rendering, the instance's own server (which also runs Next). */
function getApiUrl(): string {
  if (typeof window !== "undefined") return "/api/trpc";
  return `http://127.0.0.1:${process.env.PORT ?? "3000"}/api/trpc`;
}

/**
 * Sent with every call: lets the API tell its own UI apart (and refuse
 * cross-site form posts, which cannot set custom headers).
 */
const headers = (): HTTPHeaders => ({ "x-trpc-source": "hop-web" });

/**
 * Mutations go over `httpBatchLink`: one plain response whose headers (a
 * session cookie, say) are sent with it. Queries stream over
 * `httpBatchStreamLink`, each result arriving when it is ready; a query can
 * opt out with `trpc.x.queryOptions(input, { trpc: { context: { skipStream: true } } })`
 * when it must set a header too.
 */
function createApiClient() {
  const url = getApiUrl();
  return createTRPCClient<AppRouter>({
    links: [
      loggerLink({
        enabled: (op) => process.env.NODE_ENV === "development" && typeof window !== "undefined" && op.direction === "down" && op.result instanceof Error,
      }),
      splitLink({
        condition: (op) => op.type === "query" && op.context.skipStream !== true,
        true: httpBatchStreamLink({ url, transformer: superjson, headers, maxItems: maxBatchSize }),
        false: httpBatchLink({ url, transformer: superjson, headers, maxItems: maxBatchSize }),
      }),
    ],
  });
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(createApiClient);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
