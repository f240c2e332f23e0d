import { z } from "zod";
import { plainText } from "./text";

/** The events an endpoint can subscribe to; `link.clicked` arrives batched, at most one delivery per second per endpoint. */
export const webhookEventTypes = ["link.created", "link.updated", "link.deleted", "link.clicked"] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** The type of the test event the UI sends; never subscribed to, always delivered. */
export const webhookTestEventType = "webhook.test";

const maxEndpointUrlLength = 2048;

/**
 * An endpoint's URL: http(s), with a host and no credentials. Whether its
 * address is public is decided where it is connected to (the worker's
 * address guard), since a name can resolve elsewhere later.
 */
export const webhookUrlSchema = plainText()
  .trim()
  .max(maxEndpointUrlLength, `At most ${maxEndpointUrlLength} characters`)
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: "Enter a full URL, starting with https://" });
      return;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") ctx.addIssue({ code: "custom", message: "Only http(s) URLs can receive webhooks" });
    else if (!url.hostname) ctx.addIssue({ code: "custom", message: "The URL needs a host" });
    else if (url.username || url.password) ctx.addIssue({ code: "custom", message: "Put no credentials in the URL; verify the signature instead" });
  });

const eventsSchema = z
  .array(z.enum(webhookEventTypes))
  .min(1, "Choose at least one event")
  .transform((events) => [...new Set(events)]);

export const webhookEndpointIdInput = z.object({ id: plainText().min(1).max(64) });

export const createWebhookInput = z.object({ url: webhookUrlSchema, events: eventsSchema });

export const updateWebhookInput = z.object({
  id: plainText().min(1).max(64),
  url: webhookUrlSchema.optional(),
  events: eventsSchema.optional(),
  /** true re-enables a disabled endpoint (its failure count starts again). */
  enabled: z.boolean().optional(),
});

export const webhookDeliveriesInput = z.object({
  endpointId: plainText().min(1).max(64),
  limit: z.number().int().min(1).max(100).default(25),
});

export const redeliverWebhookInput = z.object({ deliveryId: plainText().min(1).max(64) });
