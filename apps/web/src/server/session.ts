import { resolveSession, sessionCookieName } from "@hop/auth";
import type { Me } from "@hop/validators";
import { cookies } from "next/headers";
import { getWebServices } from "./services";

/**
 * The signed-in user for server components and layouts (seal, then the Redis
 * record: the same check as every API call), or null. Throws when Redis is
 * unreachable: a page must fail closed, not render as signed out or in.
 */
export async function getCurrentUser(): Promise<Me | null> {
  // Cookies first: it also tells Next the page depends on the request, so it is never prerendered at build time.
  const cookieValue = (await cookies()).get(sessionCookieName)?.value;
  const { db, redis, sessionConfig } = getWebServices();
  const session = await resolveSession(redis.redis, sessionConfig, cookieValue);
  if (!session) return null;
  const user = await db.user.findUnique({ where: { id: session.userId }, select: { id: true, email: true, name: true } });
  return user ? { ...user, sessionId: session.sessionId } : null;
}
