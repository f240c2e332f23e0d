import { sealData, unsealData } from "iron-session";
import { z } from "zod";
import type { SessionSecrets } from "./env";

/** How long an unlocked password-protected link stays open in one browser. */
export const linkUnlockTtlSeconds = 60 * 60;

/** One cookie per link, scoped to the link's own path, so unlocking one link opens nothing else. */
export function linkUnlockCookieName(linkId: string): string {
  return `hop_unlock_${linkId}`;
}

const unlockPayloadSchema = z.object({
  /** The link this cookie opens. */
  lid: z.string().min(1),
  /** The password's tag when unlocked: a new password closes the link again. */
  pwt: z.string().min(1),
});

/** Sealed proof that this browser knew the link's password: never the password, never its hash. */
export function sealLinkUnlock(linkId: string, passwordTag: string, secrets: SessionSecrets): Promise<string> {
  return sealData({ lid: linkId, pwt: passwordTag }, { password: secrets, ttl: linkUnlockTtlSeconds });
}

/** True when the cookie is intact, unexpired, for this link and for its current password. */
export async function isLinkUnlocked(cookie: string | undefined, linkId: string, passwordTag: string, secrets: SessionSecrets): Promise<boolean> {
  if (!cookie) return false;
  try {
    const parsed = unlockPayloadSchema.safeParse(await unsealData<unknown>(cookie, { password: secrets, ttl: linkUnlockTtlSeconds }));
    return parsed.success && parsed.data.lid === linkId && parsed.data.pwt === passwordTag;
  } catch {
    return false;
  }
}

/**
 * The page a visitor came from, kept through a password-protected link's
 * unlock page: without it, the click counted after the unlock would name
 * Hop's own unlock page as its referrer. A correct password seals it into a
 * cookie on the link's path for this long: enough to follow the unlock's 303,
 * gone before any later visit. Analytics only: nothing else trusts it.
 */
export const unlockReferrerTtlSeconds = 60;

export function unlockReferrerCookieName(linkId: string): string {
  return `hop_unlock_ref_${linkId}`;
}

const referrerPayloadSchema = z.object({ lid: z.string(), ref: z.string().nullable() });

/** The cookie's value: the link it is for and the (already validated) referrer; null: the visitor came without one. */
export function sealUnlockReferrer(linkId: string, referrer: string | null, secrets: SessionSecrets): Promise<string> {
  return sealData({ lid: linkId, ref: referrer }, { password: secrets, ttl: unlockReferrerTtlSeconds });
}

/** The carried referrer for this link, or undefined when the cookie is absent, expired, forged or for another link. */
export async function unsealUnlockReferrer(cookie: string | undefined, linkId: string, secrets: SessionSecrets): Promise<string | null | undefined> {
  if (!cookie) return undefined;
  const parsed = referrerPayloadSchema.safeParse(await unsealData<unknown>(cookie, { password: secrets, ttl: unlockReferrerTtlSeconds }).catch(() => null));
  return parsed.success && parsed.data.lid === linkId ? parsed.data.ref : undefined;
}
