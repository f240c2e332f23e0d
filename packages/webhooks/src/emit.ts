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
  return emitWebhookEvents(db, userId, type, [data]);
}

/**
 * The same for several changes of one kind (a batch of links created): the
 * endpoints are looked up once, so a batch for a user without webhooks costs
 * one query. Returns the number of deliveries queued.
 */
export async function emitWebhookEvents(
  db: Queryable,
  userId: string,
  type: Exclude<WebhookEventType, "link.clicked">,
  events: readonly unknown[],
): Promise<number> {
  if (events.length === 0) return 0;
  const endpoints = await db.webhookEndpoint.findMany({ where: { userId, disabledAt: null, events: { has: type } }, select: { id: true } });
  const now = new Date();
  for (const endpoint of endpoints) for (const data of events) await queueDelivery(db, endpoint.id, type, data, now);
  return endpoints.length * events.length;
}
