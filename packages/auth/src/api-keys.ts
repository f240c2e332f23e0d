import { createHash, randomBytes } from "node:crypto";

/** Every Hop API key starts with this, so it is recognisable in a config file or a leaked-secret scan. */
export const apiKeyPrefix = "hop_";

/** `hop_` and 32 random bytes in base64url (43 characters). */
const apiKeyPattern = /^hop_[A-Za-z0-9_-]{43}$/;

/** How many characters of a key the UI shows to tell keys apart (`hop_` and 4 more): far too few to guess the rest. */
export const apiKeyShownLength = apiKeyPrefix.length + 4;

/** A new key: 256 random bits. Returned to its owner once; only its hash is stored. */
export function generateApiKey(): string {
  return `${apiKeyPrefix}${randomBytes(32).toString("base64url")}`;
}

export function looksLikeApiKey(value: string): boolean {
  return apiKeyPattern.test(value);
}

/**
 * SHA-256, hex. Not argon2 on purpose: a password is short and guessable, so
 * its hash must be slow; a key is 256 random bits, which no amount of
 * hashing speed makes guessable, and it is checked on every API request, where
 * a memory-hard KDF would cost tens of milliseconds and be a denial-of-service
 * lever. A fast hash also lets the key be looked up by its hash (unique index).
 */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** The key from an `Authorization: Bearer <key>` header, or null when the header is absent or of another scheme. */
export function bearerToken(authorization: string | null | undefined): string | null {
  const match = authorization?.match(/^Bearer[ \t]+(\S+)[ \t]*$/i);
  return match?.[1] ?? null;
}
