export { clickBatchWindowMs, maxClicksPerDelivery, queueClickWebhooks, sendPendingClicks } from "./clicks";
export { emitWebhookEvent, emitWebhookEvents, queueDelivery } from "./emit";
export { newWebhookSecret, secretRotationGraceMs, signedHeaders, signingSecrets } from "./secret";
