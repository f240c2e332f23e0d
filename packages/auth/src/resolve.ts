import type { Redis } from "@hop/redis";
import type { SessionSecrets } from "./env";
import { unsealSessionCookie } from "./session-cookie";
import { readSession } from "./session-registry";

export interface SessionUser {
  userId: string;
  sessionId: string;
}

export interface SessionConfig {
  secrets: SessionSecrets;
  ttlSeconds: number;
}

/**
 * Who a request's cookie belongs to: the seal is checked first (no I/O), then
 * the Redis record and the user's session epoch in one round trip, so a
 * session revoked (or ended by a password change) on any instance is refused
 * on every instance at once. Throws when Redis cannot be asked: the
 * caller must fail closed, never treat an unverifiable session as valid.
 */
export async function resolveSession(redis: Redis, config: SessionConfig, cookieValue: string | undefined): Promise<SessionUser | null> {
  if (!cookieValue) return null;
  const payload = await unsealSessionCookie(cookieValue, config.secrets, config.ttlSeconds);
  if (!payload) return null;
  const record = await readSession(redis, { sessionId: payload.sid, userId: payload.uid, epoch: payload.ep });
  if (!record || record.userId !== payload.uid) return null;
  return { userId: payload.uid, sessionId: payload.sid };
}
