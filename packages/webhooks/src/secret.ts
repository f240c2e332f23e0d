import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";

/** How long the secret before a rotation still signs beside the new one, so receivers can switch without losing a message. */
export const secretRotationGraceMs = 24 * 60 * 60 * 1000;

/** A new signing secret in the Standard Webhooks form: "whsec_" + base64 of 24 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/** The secrets that sign a message sent at `now`: the current one, and the previous one during its grace. */
export function signingSecrets(endpoint: { secret: string; previousSecret: string | null; previousSecretExpiresAt: Date | null }, now: Date): string[] {
  const previousValid = endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now;
  return previousValid && endpoint.previousSecret ? [endpoint.secret, endpoint.previousSecret] : [endpoint.secret];
}

/**
 * The three Standard Webhooks headers of one attempt. With several secrets the
 * signature header carries one `v1,...` per secret, space-separated, as the
 * spec allows; a receiver holding either secret verifies it.
 */
export function signedHeaders(messageId: string, body: string, secrets: readonly string[], at: Date): Record<string, string> {
  return {
    "webhook-id": messageId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": secrets.map((secret) => new Webhook(secret).sign(messageId, at, body)).join(" "),
  };
}
