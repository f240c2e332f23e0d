import { sealData, unsealData } from "iron-session";
import { z } from "zod";
import type { SessionSecrets } from "./env";

export const sessionCookieName = "hop_session";

/** What the sealed cookie carries: who and which session, never a secret. */
const cookiePayloadSchema = z.object({
  /** Session id: the key of the server-side record in Redis. */
  sid: z.string().min(1),
  /** User id. */
  uid: z.string().min(1),
  /** Issued at, ms since the epoch. */
  iat: z.number().int(),
  /**
   * The user's session epoch when this cookie was sealed; the session is
   * valid only while Redis holds the same one. Absent in cookies sealed
   * before epochs existed (valid until the user's first password change).
   */
  ep: z.number().int().min(0).optional(),
});
export type SessionCookiePayload = z.infer<typeof cookiePayloadSchema>;

export function sealSessionCookie(payload: SessionCookiePayload, secrets: SessionSecrets, ttlSeconds: number): Promise<string> {
  return sealData(payload, { password: secrets, ttl: ttlSeconds });
}

/** The payload, or null for a cookie that is tampered with, expired, or sealed with a secret no longer listed. */
export async function unsealSessionCookie(cookie: string, secrets: SessionSecrets, ttlSeconds: number): Promise<SessionCookiePayload | null> {
  try {
    const data = await unsealData<unknown>(cookie, { password: secrets, ttl: ttlSeconds });
    const parsed = cookiePayloadSchema.safeParse(data);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export interface CookieAttributes {
  httpOnly: true;
  sameSite: "lax";
  path: "/";
  secure: boolean;
  maxAge: number;
}

/**
 * Secure, HttpOnly, SameSite=Lax. `Secure` is dropped only for plain-http
 * localhost, where browsers would otherwise refuse the cookie in development.
 */
export function sessionCookieAttributes(requestUrl: URL, maxAgeSeconds: number): CookieAttributes {
  const localPlainHttp = requestUrl.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(requestUrl.hostname);
  return { httpOnly: true, sameSite: "lax", path: "/", secure: !localPlainHttp, maxAge: maxAgeSeconds };
}
