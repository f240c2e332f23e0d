import type { Prisma } from "@hop/db";
import { TRPCError } from "@trpc/server";
import type { TRPCContext } from "../../context";

type Endpoint = Prisma.WebhookEndpointGetPayload<object>;

/** An endpoint as its owner sees it; the secret is the owner's to copy into the receiver, so it is shown. */
export function toEndpointView(endpoint: Endpoint) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    secret: endpoint.secret,
    /** Until then the secret before the last rotation still signs, beside the current one. */
    previousSecretExpiresAt: endpoint.previousSecretExpiresAt,
    consecutiveFailures: endpoint.consecutiveFailures,
    disabledAt: endpoint.disabledAt,
    disabledReason: endpoint.disabledReason,
    createdAt: endpoint.createdAt,
  };
}
export type WebhookEndpointView = ReturnType<typeof toEndpointView>;

/** The caller's own endpoint, or NOT_FOUND (another user's is as invisible as a missing one). */
export async function findOwnEndpoint(ctx: Pick<TRPCContext, "db">, userId: string, id: string): Promise<Endpoint> {
  const endpoint = await ctx.db.webhookEndpoint.findFirst({ where: { id, userId } });
  if (!endpoint) throw new TRPCError({ code: "NOT_FOUND", message: "That webhook endpoint does not exist" });
  return endpoint;
}
