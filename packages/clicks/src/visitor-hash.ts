import { createHmac, createSecretKey, type KeyObject } from "node:crypto";

const dayMs = 24 * 60 * 60 * 1000;

/**
 * The day's key, derived once per secret and UTC day rather than on every
 * redirect (one HMAC instead of two per visit). A memo of a pure function,
 * not state: a process that never saw the day derives the same key.
 */
let dailyKeyMemo: { secret: string; day: number; key: KeyObject } | undefined;
function dailyKey(secret: string, day: number): KeyObject {
  if (dailyKeyMemo?.day === day && dailyKeyMemo.secret === secret) return dailyKeyMemo.key;
  const isoDay = new Date(day * dayMs).toISOString().slice(0, 10);
  const key = createSecretKey(createHmac("sha256", secret).update(`visitor-day:${isoDay}`).digest());
  dailyKeyMemo = { secret, day, key };
  return key;
}

/**
 * A visitor's identity for "unique visitors per day", without storing the IP:
 * HMAC-SHA256 keyed by a per-day key derived from VISITOR_HASH_SECRET. The
 * same visitor hashes the same within a UTC day on every instance (no shared
 * state needed) and differently the next day, so hashes cannot be joined
 * across days; without the secret they cannot be reversed by brute force
 * over the IPv4 space.
 */
export function visitorHash(secret: string, ip: string, userAgent: string | null, at: Date): string {
  return createHmac("sha256", dailyKey(secret, Math.floor(at.getTime() / dayMs)))
    .update(`${ip}\n${userAgent ?? ""}`)
    .digest("base64url");
}
