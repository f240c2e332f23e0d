import { appRouter, createTRPCContext } from "@hop/api";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getWebServices } from "~/server/services";

// Every request builds its context from the process's shared connections.
const handler = (request: Request) => {
  const services = getWebServices();
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    router: appRouter,
    req: request,
    createContext: () =>
      createTRPCContext({ db: services.db, redis: services.redis.redis, instanceId: services.instance.id, headers: request.headers }),
    onError: ({ path, error }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") services.log.error({ path, err: error.message }, "tRPC procedure failed");
    },
  });
};

export const dynamic = "force-dynamic";
export { handler as GET, handler as POST };
