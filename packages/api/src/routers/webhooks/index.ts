import { createWebhookInput, redeliverWebhookInput, updateWebhookInput, webhookDeliveriesInput, webhookEndpointIdInput } from "@hop/validators";
import type { TRPCRouterRecord } from "@trpc/server";
import { protectedProcedure } from "../../trpc";
import { listDeliveriesHandler, redeliverHandler } from "./deliveries.handler";
import {
  createWebhookHandler,
  deleteWebhookHandler,
  listWebhooksHandler,
  rotateWebhookSecretHandler,
  sendTestWebhookHandler,
  updateWebhookHandler,
} from "./endpoints.handler";

/** A user's webhook endpoints and their delivery log (issue 17). Input schemas live in @hop/validators (webhooks.ts). */
export const webhooksRouter = {
  list: protectedProcedure.query(listWebhooksHandler),
  create: protectedProcedure.input(createWebhookInput).mutation(createWebhookHandler),
  update: protectedProcedure.input(updateWebhookInput).mutation(updateWebhookHandler),
  delete: protectedProcedure.input(webhookEndpointIdInput).mutation(deleteWebhookHandler),
  rotateSecret: protectedProcedure.input(webhookEndpointIdInput).mutation(rotateWebhookSecretHandler),
  sendTest: protectedProcedure.input(webhookEndpointIdInput).mutation(sendTestWebhookHandler),
  deliveries: protectedProcedure.input(webhookDeliveriesInput).query(listDeliveriesHandler),
  redeliver: protectedProcedure.input(redeliverWebhookInput).mutation(redeliverHandler),
} satisfies TRPCRouterRecord;
