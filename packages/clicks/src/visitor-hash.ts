import { createHmac } from "node:crypto";

/**
 * A visitor's identity for "unique visitors per day", without storing the IP:
 * HMAC-SHA256 keyed by a per-day key derived from VISITOR_HASH_SECRET. The
 * same visitor hashes the same within a UTC day on every instance (no shared
 * state needed) and differently the next day, so hashes cannot be joined
 * across days; without the secret they cannot be reversed by brute force
 * over the IPv4 space.
 */
export function visitorHash(secret: string, ip: string, userAgent: string | null, at: Date): string {
  const day = at.toISOString().slice(0, 10);
  const dailyKey = createHmac("sha256", secret).update(`visitor-day:${day}`).digest();
  return createHmac("sha256", dailyKey)
    .update(`${ip}\n${userAgent ?? ""}`)
    .digest("base64url");
}
