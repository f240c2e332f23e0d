import { createTRPCContext, type TRPCContext } from "@hop/api";
import type { WebServices } from "./services";

/**
 * The tRPC context of a request this web process answers, whichever way it
 * reaches the procedures (the tRPC endpoint, the no-script forms, the CSV
 * downloads, an export's download): the same configured origins, limits and
 * running-work count for all of them. The client's address and origin come
 * from the headers our own server sets (server/request-origin.ts).
 */
export function createWebTRPCContext(services: WebServices, request: Request, options: { responseHeaders?: Headers; clientIp?: string } = {}): TRPCContext {
  const origin = request.headers.get("x-hop-origin") ?? undefined;
  return createTRPCContext({
    db: services.db,
    redis: services.redis.redis,
    instanceId: services.instance.id,
    request,
    responseHeaders: options.responseHeaders ?? new Headers(),
    sessionConfig: services.sessionConfig,
    clientIp: options.clientIp ?? request.headers.get("x-hop-client-ip") ?? "unknown",
    // The origin the browser used, unless the operator fixed one.
    shortLinkBaseUrl: services.env.SHORT_LINK_BASE_URL ?? origin,
    appBaseUrl: services.env.PUBLIC_URL ?? origin,
    accountDeletionGraceDays: services.env.ACCOUNT_DELETION_GRACE_DAYS,
    operatorEmails: services.env.OPERATOR_EMAILS,
    // Queries stream: their procedures run after the handler has answered, so each counts itself too.
    runningWork: services.inFlight,
  });
}
