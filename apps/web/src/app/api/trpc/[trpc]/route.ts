import { appRouter, retryAfterSecondsOf } from "@hop/api";
import { hostOfOrigin, isCrossOriginRequest } from "@hop/auth";
import { maxBatchSize } from "@hop/validators";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getWebServices } from "~/server/services";
import { createWebTRPCContext } from "~/server/trpc-context";

const crossOrigin = () =>
  Response.json({ error: { message: "Cross-site request refused: mutations must come from this site's own pages", code: "FORBIDDEN" } }, { status: 403 });

// Every request builds its context from the process's shared connections.
const handler = (request: Request) => {
  // tRPC mutations are POSTs: a page on another site must not be able to make them with our cookies.
  // Our own host is the one our server computed (server/request-origin.ts), never a header the client chose.
  if (request.method === "POST" && isCrossOriginRequest(request.headers, hostOfOrigin(request.headers.get("x-hop-origin")))) return crossOrigin();
  const services = getWebServices();
  // This process is closing its connections: the client retries, reaching another instance.
  if (services.inFlight.closed)
    return Response.json({ error: { message: "This instance is stopping", code: "SERVICE_UNAVAILABLE" } }, { status: 503, headers: { "retry-after": "1" } });
  return services.inFlight.track(
    fetchRequestHandler({
      endpoint: "/api/trpc",
      router: appRouter,
      req: request,
      maxBatchSize,
      createContext: ({ resHeaders }) => {
        // Answers depend on the session and change at any time (a device signed in elsewhere): no browser or proxy may keep one.
        resHeaders.set("cache-control", "private, no-store");
        return createWebTRPCContext(services, request, { responseHeaders: resHeaders });
      },
      // 429 and 503 say when to come back, in the header clients and proxies read.
      responseMeta: ({ errors }) => {
        const waits = errors.map(retryAfterSecondsOf).filter((seconds) => seconds !== null);
        return waits.length > 0 ? { headers: { "retry-after": String(Math.max(...waits)) } } : {};
      },
      onError: ({ path, error }) => {
        if (error.code === "INTERNAL_SERVER_ERROR") services.log.error({ path, err: error.message }, "tRPC procedure failed");
        // A backing service away: the user saw "try again shortly"; the operator sees why.
        if (error.code === "SERVICE_UNAVAILABLE") {
          const cause = error.cause instanceof Error ? (error.cause.cause instanceof Error ? error.cause.cause : error.cause) : null;
          services.log.warn({ path, err: cause ? `${cause.name}: ${cause.message}` : error.message }, "tRPC procedure answered 503");
        }
      },
    }),
  );
};

export const dynamic = "force-dynamic";
export { handler as GET, handler as POST };
