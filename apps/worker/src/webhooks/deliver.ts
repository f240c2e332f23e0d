import type { Database } from "@hop/db";
import { enqueueJob, webhookDeliveryJobKey, type JobPayload } from "@hop/jobs";
import type { Logger } from "@hop/logger";
import { signedHeaders, signingSecrets } from "@hop/webhooks";
import { PageFetchError } from "../link-metadata/safe-fetch";
import { postWebhook } from "./post";

export interface WebhookDeliverySettings {
  maxAttempts: number;
  retryBaseMs: number;
  disableAfterFailures: number;
  timeoutMs: number;
  allowLoopback: boolean;
}

/** The delay before attempt `attempt + 1`: base, then 4 times longer each time (10 s, 40 s, 160 s, ~11 min, ~43 min, ~3 h, ... by default). */
export function retryDelayMs(attempt: number, baseMs: number): number {
  return baseMs * 4 ** Math.max(0, attempt - 1);
}

interface Outcome {
  ok: boolean;
  status: number | null;
  excerpt: string;
  /** The address itself is refused: retrying cannot help. */
  refused: boolean;
}

/**
 * One attempt of one delivery: signed now (with the current secret, and the
 * previous one during its grace), POSTed through the address guard, and its
 * outcome recorded in one transaction with what follows: the endpoint's
 * failure count, the endpoint disabled at the limit (or at once when its
 * address is refused), and the next attempt's job with its backoff. A
 * delivery that already succeeded is not sent again (a replayed job).
 */
export async function deliverWebhook(
  payload: JobPayload<"webhook.deliver">,
  deps: { db: Database; log: Logger; settings: WebhookDeliverySettings },
): Promise<void> {
  const { db, settings } = deps;
  const delivery = await db.webhookDelivery.findUnique({ where: { id: payload.deliveryId }, include: { endpoint: true } });
  if (delivery?.status !== "PENDING") return;
  const { endpoint } = delivery;
  if (endpoint.disabledAt) {
    await db.webhookDelivery.update({
      where: { id: delivery.id },
      data: { status: "FAILED", nextAttemptAt: null, responseExcerpt: "Not sent: the endpoint is disabled" },
    });
    return;
  }

  const sentAt = new Date();
  const headers = signedHeaders(delivery.id, delivery.body, signingSecrets(endpoint, sentAt), sentAt);
  let outcome: Outcome;
  try {
    const answer = await postWebhook(endpoint.url, delivery.body, headers, { allowLoopback: settings.allowLoopback, timeoutMs: settings.timeoutMs });
    outcome = { ok: answer.status >= 200 && answer.status < 300, status: answer.status, excerpt: answer.excerpt, refused: false };
  } catch (error) {
    if (!(error instanceof PageFetchError)) throw error;
    deps.log.info({ deliveryId: delivery.id, err: error.message }, "webhook not delivered");
    outcome = { ok: false, status: null, excerpt: error.reason, refused: error.permanent };
  }

  const attempts = delivery.attempts + 1;
  await db.$transaction(async (tx) => {
    const attempt = { attempts, responseStatus: outcome.status, responseExcerpt: outcome.excerpt, lastAttemptAt: sentAt };
    if (outcome.ok) {
      await tx.webhookDelivery.update({ where: { id: delivery.id }, data: { ...attempt, status: "SUCCEEDED", nextAttemptAt: null } });
      await tx.webhookEndpoint.update({ where: { id: endpoint.id }, data: { consecutiveFailures: 0 } });
      return;
    }
    const counted = await tx.webhookEndpoint.update({ where: { id: endpoint.id }, data: { consecutiveFailures: { increment: 1 } } });
    const what = outcome.status === null ? outcome.excerpt : `HTTP ${outcome.status}`;
    const disabledReason = outcome.refused
      ? `Disabled: ${outcome.excerpt}`
      : counted.consecutiveFailures >= settings.disableAfterFailures
        ? `Disabled after ${counted.consecutiveFailures} failed attempts in a row (the last: ${what})`
        : null;
    if (disabledReason && !counted.disabledAt) {
      await tx.webhookEndpoint.update({ where: { id: endpoint.id }, data: { disabledAt: sentAt, disabledReason } });
    }
    const retry = !disabledReason && attempts < settings.maxAttempts;
    const nextAttemptAt = retry ? new Date(sentAt.getTime() + retryDelayMs(attempts, settings.retryBaseMs)) : null;
    await tx.webhookDelivery.update({ where: { id: delivery.id }, data: { ...attempt, status: retry ? "PENDING" : "FAILED", nextAttemptAt } });
    if (nextAttemptAt) {
      await enqueueJob(tx, "webhook.deliver", { deliveryId: delivery.id }, { jobKey: webhookDeliveryJobKey(delivery.id), runAt: nextAttemptAt });
    }
  });
}
