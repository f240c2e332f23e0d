import { resolveSession, sessionCookieName } from "@hop/auth";
import type { Me } from "@hop/validators";
import { cookies } from "next/headers";
import { cache } from "react";
import { sessionsUnavailableDigest } from "~/lib/error-digests";
import { getWebServices } from "./services";

/**
 * The signed-in user for server components and layouts (seal, then the Redis
 * record: the same check as every API call), or null. Throws when Redis is
 * unreachable: a page must fail closed, not render as signed out or in; the
 * error page recognises the error by its digest and says so. Asked once per
 * request however many layouts and pages ask (React's `cache`).
 */
export const getCurrentUser = cache(async (): Promise<Me | null> => {
  // Cookies first: it also tells Next the page depends on the request, so it is never prerendered at build time.
  const cookieValue = (await cookies()).get(sessionCookieName)?.value;
  const { db, redis, sessionConfig, log } = getWebServices();
  const session = await resolveSession(redis.redis, sessionConfig, cookieValue).catch((error: unknown) => {
    log.warn({ err: error instanceof Error ? error.message : String(error) }, "sessions cannot be checked: Redis is unreachable");
    throw Object.assign(new Error("Sessions cannot be checked right now (the session store is unreachable)", { cause: error }), {
      digest: sessionsUnavailableDigest,
    });
  });
  if (!session) return null;
  const user = await db.user.findUnique({ where: { id: session.userId }, select: { id: true, email: true, name: true, deletionScheduledFor: true } });
  return user ? { ...user, sessionId: session.sessionId } : null;
});
