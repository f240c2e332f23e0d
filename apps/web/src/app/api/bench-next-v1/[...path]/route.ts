import { appRouter, createApiKeyContext, retryAfterSecondsOf } from "@hop/api";
import { createOpenApiFetchHandler } from "trpc-to-openapi";
import { getWebServices } from "~/server/services";

/**
 * The REST API through a Next route handler: the baseline `pnpm bench:api`
 * measures Hop's own server against (same procedures, same key check). Off
 * (404) unless API_BENCH_NEXT_ROUTE=1: the API itself is served at /api/v1
 * by the web process's own server.
 */
const handler = async (request: Request) => {
  const services = getWebServices();
  if (!services.env.API_BENCH_NEXT_ROUTE) return Response.json({ message: "Not found", code: "NOT_FOUND" }, { status: 404 });
  const responseHeaders = new Headers();
  const origin = request.headers.get("x-hop-origin") ?? new URL(request.url).origin;
  const response = await createOpenApiFetchHandler({
    endpoint: "/api/bench-next-v1",
    router: appRouter,
    req: request,
    createContext: () =>
      createApiKeyContext({
        db: services.db,
        redis: services.redis.redis,
        instanceId: services.instance.id,
        request,
        responseHeaders,
        sessionConfig: services.sessionConfig,
        clientIp: request.headers.get("x-hop-client-ip") ?? "unknown",
        shortLinkBaseUrl: services.env.SHORT_LINK_BASE_URL ?? origin,
        appBaseUrl: services.env.PUBLIC_URL ?? origin,
        operatorEmails: services.env.OPERATOR_EMAILS,
        apiKeyRateLimit: { limit: services.env.API_KEY_RATE_LIMIT_PER_MINUTE, windowSeconds: 60 },
      }),
    responseMeta: ({ errors }) => {
      const waits = errors.map(retryAfterSecondsOf).filter((seconds) => seconds !== null);
      return waits.length > 0 ? { headers: { "retry-after": String(Math.max(...waits)) } } : {};
    },
  });
  for (const [name, value] of responseHeaders) response.headers.set(name, value);
  return response;
};

export const dynamic = "force-dynamic";
export { handler as GET, handler as POST, handler as PATCH, handler as DELETE };
