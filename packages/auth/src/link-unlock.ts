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
