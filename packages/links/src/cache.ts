import { createHash } from "node:crypto";
import type { LinkModel } from "@hop/db";
import { redisKeys, type Redis } from "@hop/redis";
import { z } from "zod";
import { asLocationHeader, destinationUrl, utmFromColumns } from "./destination";
import { redirectStatusCode } from "./redirect-status";

/**
 * What the redirect needs of a link, as one small JSON value in Redis under
 * the slug. Empty string and 0 stand for "none" (not null) so the Lua side
 * of the lookup can test them without cjson's null sentinel.
 */
export const cachedLinkSchema = z.object({
  id: z.string(),
  /** The target with UTM parameters already written in. */
  url: z.string(),
  status: z.union([z.literal(301), z.literal(302), z.literal(307), z.literal(308)]),
  /** ms since the epoch; 0 = never expires. */
  expiresAt: z.number(),
  /** Where an expired link goes; "" = show "link expired". */
  expiredUrl: z.string(),
  /** Changes whenever the password changes (never the hash itself); "" = no password. */
  passwordTag: z.string(),
});
export type CachedLink = z.infer<typeof cachedLinkSchema>;

/** Stored for slugs that have no live link, so repeated misses skip PostgreSQL for a while. */
export const missingLinkMarker = "missing";

/** A live link's entry; long, because every write replaces it (write-through). */
export const linkCacheTtlSeconds = 10 * 60;
/** An unknown slug's marker; short, a safety net beside the write-through on create. */
export const missingLinkTtlSeconds = 60;

type CacheableLink = Pick<
  LinkModel,
  "id" | "url" | "redirectStatus" | "expiresAt" | "expiredUrl" | "passwordHash" | "utmSource" | "utmMedium" | "utmCampaign" | "utmTerm" | "utmContent" | "deletedAt"
>;

export function passwordTag(passwordHash: string | null): string {
  return passwordHash ? createHash("sha256").update(passwordHash).digest("base64url").slice(0, 16) : "";
}

/** The cache entry of a link row, or null when the row is deleted. */
export function toCachedLink(link: CacheableLink | null): CachedLink | null {
  if (!link || link.deletedAt) return null;
  return {
    id: link.id,
    url: destinationUrl(link.url, utmFromColumns(link)),
    status: redirectStatusCode(link.redirectStatus),
    expiresAt: link.expiresAt?.getTime() ?? 0,
    expiredUrl: link.expiredUrl ? asLocationHeader(link.expiredUrl) : "",
    passwordTag: passwordTag(link.passwordHash),
  };
}

/**
 * Write-through, called by every write of a link after its transaction
 * commits: the next request on any instance sees the new state. A plain SET
 * (not DEL) so that a redirect that read the old row just before the commit
 * cannot put it back: fills use SET NX and lose to this value.
 */
export async function cacheLink(redis: Redis, slug: string, entry: CachedLink | null): Promise<void> {
  if (entry) await redis.set(redisKeys.link(slug), JSON.stringify(entry), { ex: linkCacheTtlSeconds });
  else await redis.set(redisKeys.link(slug), missingLinkMarker, { ex: missingLinkTtlSeconds });
}

/** A redirect's refill after a cache miss: only where no write has put a newer value meanwhile. */
export async function fillLinkCache(redis: Redis, slug: string, entry: CachedLink | null): Promise<void> {
  if (entry) await redis.set(redisKeys.link(slug), JSON.stringify(entry), { ex: linkCacheTtlSeconds, nx: true });
  else await redis.set(redisKeys.link(slug), missingLinkMarker, { ex: missingLinkTtlSeconds, nx: true });
}

/** Whether a visit to this link counts as a click without further checks: no password, not expired. (The Lua lookup applies the same rule.) */
export function isOpenLink(link: CachedLink, now: number): boolean {
  return link.passwordTag === "" && (link.expiresAt === 0 || link.expiresAt > now);
}

export function isExpired(link: CachedLink, now: number): boolean {
  return link.expiresAt !== 0 && link.expiresAt <= now;
}
