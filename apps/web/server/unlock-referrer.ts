/**
 * The page a visitor came from, kept through a password-protected link's
 * unlock page: without it, the click counted after the unlock would name
 * Hop's own unlock page as its referrer. The unlock page carries the
 * original Referer in a hidden field; a correct password turns it into a
 * short-lived sealed cookie on the link's path, which the next visit reads
 * once. It is analytics only: nothing else ever trusts it.
 */
import type { SessionSecrets } from "@hop/auth";
import { sealData, unsealData } from "iron-session";
import { z } from "zod";

/** The same limit as a Referer header's: longer is cut, not refused. */
export const maxReferrerLength = 2048;
/** Long enough for the browser to follow the unlock's 303, short enough to be gone before any later visit. */
export const unlockReferrerTtlSeconds = 60;

export const unlockReferrerCookieName = (linkId: string) => `hop_unlock_ref_${linkId}`;

/**
 * A referrer worth recording: an absolute http(s) URL, cut at 2048
 * characters; anything else (a forged field, `javascript:`) is no referrer.
 */
export function validReferrer(value: string | null | undefined): string | null {
  if (!value) return null;
  const cut = value.slice(0, maxReferrerLength);
  if (!URL.canParse(cut)) return null;
  const { protocol } = new URL(cut);
  return protocol === "http:" || protocol === "https:" ? cut : null;
}

const payloadSchema = z.object({ lid: z.string(), ref: z.string().nullable() });

/** The cookie's value: the link it is for and the referrer (null: the visitor came without one). */
export function sealUnlockReferrer(linkId: string, referrer: string | null, secrets: SessionSecrets): Promise<string> {
  return sealData({ lid: linkId, ref: validReferrer(referrer) }, { password: secrets, ttl: unlockReferrerTtlSeconds });
}

/** The carried referrer for this link, or undefined when the cookie is absent, expired, forged or for another link. */
export async function unsealUnlockReferrer(cookie: string | undefined, linkId: string, secrets: SessionSecrets): Promise<string | null | undefined> {
  if (!cookie) return undefined;
  const parsed = payloadSchema.safeParse(await unsealData<unknown>(cookie, { password: secrets, ttl: unlockReferrerTtlSeconds }).catch(() => null));
  if (!parsed.success || parsed.data.lid !== linkId) return undefined;
  return validReferrer(parsed.data.ref);
}
