import { newWebhookSecret, queueDelivery, secretRotationGraceMs } from "@hop/webhooks";
import { webhookTestEventType, type createWebhookInput, type updateWebhookInput, type webhookEndpointIdInput } from "@hop/validators";
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import type { ProtectedContext } from "../../trpc";
import { findOwnEndpoint, toEndpointView } from "./endpoint-view";

/** Endpoints per account at most: each event fans out to every one of them. */
export const maxEndpointsPerUser = 10;

export async function listWebhooksHandler({ ctx }: { ctx: ProtectedContext }) {
  const endpoints = await ctx.db.webhookEndpoint.findMany({ where: { userId: ctx.session.userId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return endpoints.map(toEndpointView);
}

export async function createWebhookHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof createWebhookInput> }) {
  const userId = ctx.session.userId;
  const endpoint = await ctx.db.$transaction(async (tx) => {
    // Counted and created in one serializable step per user: two tabs cannot pass the limit together.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`webhooks:${userId}`}))`;
    const count = await tx.webhookEndpoint.count({ where: { userId } });
    if (count >= maxEndpointsPerUser) {
      throw new TRPCError({ code: "PRECONDITION_FAILED", message: `An account has at most ${maxEndpointsPerUser} webhook endpoints; delete one first` });
    }
    return tx.webhookEndpoint.create({ data: { userId, url: input.url, events: input.events, secret: newWebhookSecret() } });
  });
  return toEndpointView(endpoint);
}

export async function updateWebhookHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof updateWebhookInput> }) {
  const endpoint = await findOwnEndpoint(ctx, ctx.session.userId, input.id);
  const updated = await ctx.db.webhookEndpoint.update({
    where: { id: endpoint.id },
    data: {
      ...(input.url !== undefined && { url: input.url }),
      ...(input.events !== undefined && { events: input.events }),
      ...(input.enabled === true && { disabledAt: null, disabledReason: null, consecutiveFailures: 0 }),
      ...(input.enabled === false && !endpoint.disabledAt && { disabledAt: new Date(), disabledReason: "Disabled by you" }),
    },
  });
  return toEndpointView(updated);
}

export async function deleteWebhookHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof webhookEndpointIdInput> }) {
  const endpoint = await findOwnEndpoint(ctx, ctx.session.userId, input.id);
  // Its deliveries and pending clicks go with it (cascade); queued attempts find nothing and end.
  await ctx.db.webhookEndpoint.delete({ where: { id: endpoint.id } });
  return { id: endpoint.id };
}

/** A new secret; the old one keeps signing beside it for `secretRotationGraceMs`, so the receiver can switch without a gap. */
export async function rotateWebhookSecretHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof webhookEndpointIdInput> }) {
  const endpoint = await findOwnEndpoint(ctx, ctx.session.userId, input.id);
  const updated = await ctx.db.webhookEndpoint.update({
    where: { id: endpoint.id },
    data: { secret: newWebhookSecret(), previousSecret: endpoint.secret, previousSecretExpiresAt: new Date(Date.now() + secretRotationGraceMs) },
  });
  return toEndpointView(updated);
}

/** Sends a `webhook.test` message now, whatever the endpoint subscribed to; it shows in the delivery log like any other. */
export async function sendTestWebhookHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof webhookEndpointIdInput> }) {
  const endpoint = await findOwnEndpoint(ctx, ctx.session.userId, input.id);
  if (endpoint.disabledAt) throw new TRPCError({ code: "PRECONDITION_FAILED", message: "This endpoint is disabled; enable it to send a test event" });
  const deliveryId = await ctx.db.$transaction((tx) =>
    queueDelivery(tx, endpoint.id, webhookTestEventType, { message: "A test event from Hop", endpointId: endpoint.id }),
  );
  return { deliveryId };
}
