/**
 * @hop/client: Hop's API from TypeScript, typed end to end by the server's
 * own `AppRouter`. It speaks tRPC to `<baseUrl>/api/v1/trpc` with an API key
 * and waits and retries where the server says to (429, and 503 for reads).
 *
 *   const hop = createHopClient({ baseUrl: "https://hop.example", apiKey: process.env.HOP_API_KEY! });
 *   const link = await hop.links.create.mutate({ url: "https://example.com" });
 */
import type { AppRouter, RouterInputs, RouterOutputs } from "@hop/api";
import { createTRPCClient, httpLink, type TRPCClient } from "@trpc/client";
import superjson from "superjson";

export type { AppRouter, RouterInputs, RouterOutputs };
export { TRPCClientError } from "@trpc/client";

export interface HopClientOptions {
  /** Where Hop runs, e.g. https://hop.example (no path). */
  baseUrl: string;
  /** A key from the account page: `hop_...`. */
  apiKey: string;
  /** How many times one call is retried after a 429 (or a 503 on a read); 3 unless given. */
  retries?: number;
  /** The longest wait for one retry, in seconds, whatever Retry-After asks; 30 unless given. */
  maxRetryWaitSeconds?: number;
  /** A fetch of your own (a proxy agent, a test double); the global fetch unless given. */
  fetch?: typeof fetch;
}

export type HopClient = TRPCClient<AppRouter>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Seconds from a Retry-After header (seconds or an HTTP date); 1 when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number {
  if (!header) return 1;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? 1 : Math.max(0, (date - now) / 1000);
}

/**
 * A fetch that waits out 429 (too many requests: nothing was done, so any call
 * may be repeated) and, for reads (GET) only, 503 (a backing service away for
 * a moment): a write that got 503 may have been done, so it is not repeated
 * blindly but reported.
 */
export function retryingFetch(options: Pick<HopClientOptions, "retries" | "maxRetryWaitSeconds" | "fetch">): typeof fetch {
  const retries = options.retries ?? 3;
  const maxWait = options.maxRetryWaitSeconds ?? 30;
  const baseFetch = options.fetch ?? fetch;
  return async (input, init) => {
    for (let attempt = 0; ; attempt++) {
      const response = await baseFetch(input, init);
      const method = (init?.method ?? "GET").toUpperCase();
      const retryable = response.status === 429 || (response.status === 503 && method === "GET");
      if (!retryable || attempt >= retries) return response;
      await response.body?.cancel();
      await sleep(Math.min(maxWait, retryAfterSeconds(response.headers.get("retry-after"))) * 1000);
    }
  };
}

export function createHopClient(options: HopClientOptions): HopClient {
  const url = `${options.baseUrl.replace(/\/+$/, "")}/api/v1/trpc`;
  return createTRPCClient<AppRouter>({
    links: [
      // One call per request: a retry repeats exactly one call, and a limit's refusal is that call's.
      httpLink({ url, transformer: superjson, headers: { authorization: `Bearer ${options.apiKey}` }, fetch: retryingFetch(options) }),
    ],
  });
}
