import { isCountedVisit } from "@hop/clicks";
import { createHash, randomUUID } from "node:crypto";
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

const redirectStatuses: ReadonlySet<unknown> = new Set<CachedLink["status"]>([301, 302, 307, 308]);

/**
 * cachedLinkSchema's check without zod, for the redirect's hot path (every
 * visit reads one entry; zod's parse cost more than the rest of the check and
 * copies the object). Same rules, held equal to the schema by a test.
 */
export function asCachedLink(value: unknown): CachedLink | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const entry = value as Record<keyof CachedLink, unknown>;
  return typeof entry.id === "string" &&
    typeof entry.url === "string" &&
    redirectStatuses.has(entry.status) &&
    typeof entry.expiresAt === "number" &&
    Number.isFinite(entry.expiresAt) &&
    typeof entry.expiredUrl === "string" &&
    typeof entry.passwordTag === "string"
    ? (value as CachedLink)
    : undefined;
}

/** Stored for slugs that have no live link, so repeated misses skip PostgreSQL for a while. */
export const missingLinkMarker = "missing";

/** Prefix of the mark a write leaves on a slug while its transaction runs (see holdLinkCache). */
export const writeHoldPrefix = "hold:";
/** Far longer than any link write's transaction; bounds how long PostgreSQL answers alone if the write's process dies. */
export const writeHoldTtlSeconds = 60;

/** A live link's entry; long, because every write replaces it (write-through). */
export const linkCacheTtlSeconds = 10 * 60;
/** An unknown slug's marker; short, a safety net beside the write-through on create. */
export const missingLinkTtlSeconds = 60;

type CacheableLink = Pick<
  LinkModel,
  | "id"
  | "url"
  | "redirectStatus"
  | "expiresAt"
  | "expiredUrl"
  | "passwordHash"
  | "utmSource"
  | "utmMedium"
  | "utmCampaign"
  | "utmTerm"
  | "utmContent"
  | "deletedAt"
>;

export function passwordTag(passwordHash: string | null): string {
  return passwordHash ? createHash("sha256").update(passwordHash).digest("base64url").slice(0, 16) : "";
}

/** The cache entry of a link row, or null when the row is deleted. */
export function toCachedLink(link: CacheableLink | null): CachedLink | null {
  if (!link || link.deletedAt) return null;
  return {
    id: link.id,
    passwordTag: passwordTag(link.passwordHash),
    expiresAt: link.expiresAt?.getTime() ?? 0,
    url: destinationUrl(link.url, utmFromColumns(link)),
    status: redirectStatusCode(link.redirectStatus),
    expiredUrl: link.expiredUrl ? asLocationHeader(link.expiredUrl) : "",
  };
}

/**
 * Marks slugs as being written, before the write's transaction: while the
 * mark stands, lookups read PostgreSQL and refills cannot replace it. Throws
 * when Redis cannot take it, so the caller refuses the write with nothing
 * changed: a cache that cannot be corrected must not be left serving the old
 * link (an old target, or a link newly given a password still open).
 * Returns the token publishLinkCache needs.
 */
export async function holdLinkCache(redis: Redis, slugs: readonly string[]): Promise<string> {
  const token = `${writeHoldPrefix}${randomUUID()}`;
  await Promise.all([...new Set(slugs)].map((slug) => redis.set(redisKeys.link(slug), token, { ex: writeHoldTtlSeconds })));
  return token;
}

// Replaces a slug's hold with the committed state (or, given no state, removes it), unless another write holds it now: that write publishes its own.
const publishScript = `
local current = redis.call('GET', KEYS[1])
if current and current ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  if current then redis.call('DEL', KEYS[1]) end
else
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
end
return 1`;

/**
 * After the transaction commits (or fails, with the entries as they were):
 * the next request on any instance sees the committed state. Never throws: a
 * hold that cannot be replaced expires within writeHoldTtlSeconds, and
 * PostgreSQL answers until then, so the write's caller is told the truth
 * (it happened). "release" drops the hold without an entry (a write that
 * failed on a slug it does not own). Returns whether every entry was published.
 */
export async function publishLinkCache(
  redis: Redis,
  token: string,
  entries: ReadonlyArray<readonly [slug: string, entry: CachedLink | null | "release"]>,
): Promise<boolean> {
  const value = (entry: CachedLink | null | "release") => (entry === "release" ? "" : entry ? JSON.stringify(entry) : missingLinkMarker);
  try {
    await Promise.all(
      entries.map(([slug, entry]) =>
        redis.eval(publishScript, [redisKeys.link(slug)], [token, value(entry), entry ? linkCacheTtlSeconds : missingLinkTtlSeconds]),
      ),
    );
    return true;
  } catch {
    return false;
  }
}

/** Sets a slug's entry unconditionally (tests and tools; the API writes through holdLinkCache/publishLinkCache). */
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
  return isCountedVisit(link, now);
}

export function isExpired(link: CachedLink, now: number): boolean {
  return link.expiresAt !== 0 && link.expiresAt <= now;
}
