import { enqueueJob, webhookDeliveryJobKey, type Queryable } from "@hop/jobs";
import type { WebhookEventType } from "@hop/validators";

/**
 * Creates a delivery (the message, exactly as it will be signed) and its first
 * attempt's job through `db`: inside a transaction, both exist if and only if
 * the change that caused them does.
 */
export async function queueDelivery(db: Queryable, endpointId: string, type: string, data: unknown, now = new Date()): Promise<string> {
  const body = JSON.stringify({ type, timestamp: now.toISOString(), data });
  const delivery = await db.webhookDelivery.create({ data: { endpointId, eventType: type, body, nextAttemptAt: now }, select: { id: true } });
  await enqueueJob(db, "webhook.deliver", { deliveryId: delivery.id }, { jobKey: webhookDeliveryJobKey(delivery.id) });
  return delivery.id;
}

/** Queues one delivery per enabled endpoint of the user that subscribed to `type`. Call it in the transaction of the change. */
export async function emitWebhookEvent(db: Queryable, userId: string, type: Exclude<WebhookEventType, "link.clicked">, data: unknown): Promise<number> {
  const endpoints = await db.webhookEndpoint.findMany({ where: { userId, disabledAt: null, events: { has: type } }, select: { id: true } });
  const now = new Date();
  for (const endpoint of endpoints) await queueDelivery(db, endpoint.id, type, data, now);
  return endpoints.length;
}
