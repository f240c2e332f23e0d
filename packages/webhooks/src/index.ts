export { clickBatchWindowMs, maxClicksPerDelivery, queueClickWebhooks, sendPendingClicks } from "./clicks";
export { emitWebhookEvent, emitWebhookEvents, queueDelivery } from "./emit";
export { newWebhookSecret, secretRotationGraceMs, signedHeaders, signingSecrets } from "./secret";
export { pruneWebhookDeliveries, type DeliveryLogLimits } from "./prune";
