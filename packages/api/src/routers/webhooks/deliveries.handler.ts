import { enqueueJob, webhookDeliveryJobKey } from "@hop/jobs";
import type { redeliverWebhookInput, webhookDeliveriesInput } from "@hop/validators";
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import type { ProtectedContext } from "../../trpc";
import { findOwnEndpoint } from "./endpoint-view";

/** The delivery log of one endpoint, newest first. */
export async function listDeliveriesHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof webhookDeliveriesInput> }) {
  const endpoint = await findOwnEndpoint(ctx, ctx.session.userId, input.endpointId);
  const deliveries = await ctx.db.webhookDelivery.findMany({
    where: { endpointId: endpoint.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit,
    select: {
      id: true,
      eventType: true,
      status: true,
      attempts: true,
      responseStatus: true,
      responseExcerpt: true,
      nextAttemptAt: true,
      lastAttemptAt: true,
      createdAt: true,
    },
  });
  return deliveries;
}

/** Sends a delivery again, as the same message (same `webhook-id`, so receivers can tell it is a repeat), signed anew. */
export async function redeliverHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof redeliverWebhookInput> }) {
  const delivery = await ctx.db.webhookDelivery.findFirst({
    where: { id: input.deliveryId, endpoint: { userId: ctx.session.userId } },
    include: { endpoint: { select: { disabledAt: true } } },
  });
  if (!delivery) throw new TRPCError({ code: "NOT_FOUND", message: "That delivery does not exist" });
  if (delivery.endpoint.disabledAt) throw new TRPCError({ code: "PRECONDITION_FAILED", message: "This endpoint is disabled; enable it to redeliver" });
  const now = new Date();
  await ctx.db.$transaction(async (tx) => {
    await tx.webhookDelivery.update({ where: { id: delivery.id }, data: { status: "PENDING", nextAttemptAt: now } });
    await enqueueJob(tx, "webhook.deliver", { deliveryId: delivery.id }, { jobKey: webhookDeliveryJobKey(delivery.id) });
  });
  return { deliveryId: delivery.id };
}
