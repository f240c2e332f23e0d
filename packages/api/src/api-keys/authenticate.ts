/**
 * API-key authentication, for every machine-facing way in (REST /api/v1, tRPC
 * with a key, and later the Shlink and dub adapters): one call,
 * `createApiKeyContext`, turns a request's key into the tRPC context of the
 * key's user and scopes, after the per-key rate limit. Adapters then call the
 * same procedures as the UI, so scopes and rules are enforced in one place.
 */
import { bearerToken, hashApiKey, looksLikeApiKey } from "@hop/auth";
import type { Database } from "@hop/db";
import {
  createRateLimiter,
  isRedisUnavailableError,
  type RateLimitOutcome,
  type RateLimiter,
  type RateLimitRule,
  redisKeys,
  rateLimitRules,
  type Redis,
} from "@hop/redis";
import { apiKeyScopeSchema } from "@hop/validators";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { type ApiKeyPrincipal, type CreateContextOptions, createTRPCContext, type TRPCContext } from "../context";
import { rateLimited, redisUnavailable } from "../errors";

/**
 * How long a key's owner and scopes stay cached in Redis. Revocation does not
 * wait for it: revoke overwrites the entry with a "revoked" mark at once.
 */
export const apiKeyCacheTtlSeconds = 60;
/** Longer than the cache's TTL, so no entry filled before a revocation can outlive its mark. */
const revokedMarkTtlSeconds = 2 * apiKeyCacheTtlSeconds;
/** The last-used time is written at most once per this many seconds per key. */
export const apiKeyLastUsedIntervalSeconds = 60;

const revokedMark = "revoked";
/**
 * Put over every key of an account before its deletion is scheduled: while it
 * stands, lookups read PostgreSQL (which sees the schedule once committed) and
 * no fill can replace it, so no entry read before the schedule outlives it.
 */
const accountChangingMark = "account-changing";
const cachedPrincipalSchema = z.object({
  id: z.string(),
  userId: z.string(),
  scopes: z.array(apiKeyScopeSchema),
  expiresAt: z.number().nullable(),
  // Whether the account was in use (not scheduled for deletion) when the entry was filled; an entry without it vouches for nothing.
  accountInUse: z.boolean().default(false),
});
type CachedPrincipal = z.infer<typeof cachedPrincipalSchema>;

const unauthorized = (message: string) => new TRPCError({ code: "UNAUTHORIZED", message });

/** The key's principal from the cache, else from PostgreSQL (then cached unless a revocation marked it first); null when unknown, revoked or expired. */
export async function resolveApiKey(deps: { db: Database; redis: Redis }, key: string): Promise<ApiKeyPrincipal | null> {
  const tokenHash = hashApiKey(key);
  return principalOf(deps, tokenHash, await deps.redis.get<unknown>(redisKeys.apiKey(tokenHash)));
}

/** The principal from what the cache held for the key's hash (`cached`), reading PostgreSQL and filling the cache on a miss. */
async function principalOf(deps: { db: Database; redis: Redis }, tokenHash: string, cached: unknown): Promise<ApiKeyPrincipal | null> {
  let entry: CachedPrincipal | null;
  if (cached === revokedMark) return null;
  const parsed = cachedPrincipalSchema.safeParse(cached);
  if (parsed.success) entry = parsed.data;
  else {
    const row = await deps.db.apiToken.findUnique({
      where: { tokenHash },
      select: { id: true, userId: true, scopes: true, expiresAt: true, revokedAt: true, user: { select: { deletionScheduledFor: true } } },
    });
    if (!row) return null;
    if (row.revokedAt) return null;
    entry = {
      id: row.id,
      userId: row.userId,
      scopes: row.scopes.flatMap((scope) => apiKeyScopeSchema.safeParse(scope).data ?? []),
      expiresAt: row.expiresAt?.getTime() ?? null,
      accountInUse: row.user.deletionScheduledFor === null,
    };
    // NX: a revocation's mark written since the read above wins over this older view.
    await deps.redis.set(redisKeys.apiKey(tokenHash), entry, { nx: true, ex: apiKeyCacheTtlSeconds });
  }
  if (entry.expiresAt !== null && entry.expiresAt <= Date.now()) return null;
  return { id: entry.id, userId: entry.userId, scopes: entry.scopes, accountInUse: entry.accountInUse };
}

/** Makes every instance refuse the key from now on (call before the row is marked revoked, see the revoke procedure). */
export async function markApiKeyRevoked(redis: Redis, tokenHash: string): Promise<void> {
  await redis.set(redisKeys.apiKey(tokenHash), revokedMark, { ex: revokedMarkTtlSeconds });
}

/**
 * Before an account's deletion is scheduled: every live key of the account
 * stops vouching for it on every instance (see accountChangingMark), so each
 * call with one checks PostgreSQL, and is refused once the schedule commits.
 * Throws when Redis cannot take the marks: the caller then schedules nothing.
 */
export async function holdAccountApiKeys(deps: { db: Database; redis: Redis }, userId: string): Promise<void> {
  const keys = await deps.db.apiToken.findMany({ where: { userId, revokedAt: null }, select: { tokenHash: true } });
  await Promise.all(keys.map((key) => deps.redis.set(redisKeys.apiKey(key.tokenHash), accountChangingMark, { ex: revokedMarkTtlSeconds })));
}

// Drops the keys' entries and deletion holds, never a revocation's mark (it must stand its full time).
const dropEntriesScript = `
local dropped = 0
for _, key in ipairs(KEYS) do
  local value = redis.call('GET', key)
  if value and value ~= ARGV[1] then
    redis.call('DEL', key)
    dropped = dropped + 1
  end
end
return dropped`;

/**
 * After an account is kept (its deletion cancelled, committed): its keys'
 * entries filled while it was scheduled, and the holds, are dropped so the
 * next call refills them vouching for the account. A fill still in flight can
 * only write what is now true (in use) or what vouches for nothing. Only speed
 * depends on it (an entry that does not vouch makes the procedure read
 * PostgreSQL), so a failure is not the caller's.
 */
export async function refreshAccountApiKeys(deps: { db: Database; redis: Redis }, userId: string): Promise<void> {
  const keys = await deps.db.apiToken.findMany({ where: { userId, revokedAt: null }, select: { tokenHash: true } });
  if (keys.length === 0) return;
  await deps.redis.eval(
    dropEntriesScript,
    keys.map((key) => redisKeys.apiKey(key.tokenHash)),
    [revokedMark],
  );
}

/** The RateLimit-* headers (IETF draft) of an outcome, and Retry-After when it is a refusal. */
export function rateLimitHeaders(outcome: RateLimitOutcome): Record<string, string> {
  return {
    "ratelimit-limit": String(outcome.limit),
    "ratelimit-remaining": String(outcome.remaining),
    "ratelimit-reset": String(outcome.resetSeconds),
    ...(outcome.allowed ? {} : { "retry-after": String(outcome.retryAfterSeconds) }),
  };
}

// The limiter object (its rule, its script) per client and rule, made once: building it on every call was 2 % of a
// REST read's CPU. It holds no state of its own: the counts live in Redis.
const limiters = new WeakMap<Redis, Map<string, RateLimiter>>();
function apiKeyLimiter(redis: Redis, rule: RateLimitRule): RateLimiter {
  const byRule = limiters.get(redis) ?? new Map<string, RateLimiter>();
  limiters.set(redis, byRule);
  const name = `${rule.limit}/${rule.windowSeconds}`;
  const limiter = byRule.get(name) ?? createRateLimiter(redis, "apiKeyRequests", rule);
  byRule.set(name, limiter);
  return limiter;
}

export interface ApiKeyContextOptions extends CreateContextOptions {
  /** The key's own limit (API_KEY_RATE_LIMIT_PER_MINUTE); Hop's default otherwise. */
  apiKeyRateLimit?: RateLimitRule | undefined;
}

/**
 * Authenticates the request's `Authorization: Bearer hop_...` key and returns
 * the tRPC context of its user and scopes; RateLimit-* headers go on
 * `options.responseHeaders`. Throws a TRPCError: UNAUTHORIZED (no key, unknown,
 * revoked or expired), TOO_MANY_REQUESTS (with Retry-After), or
 * SERVICE_UNAVAILABLE when Redis cannot be asked (fails closed). Scopes are
 * checked per procedure (see `trpc.ts`).
 */
export async function createApiKeyContext(options: ApiKeyContextOptions): Promise<TRPCContext> {
  const key = bearerToken(options.request.headers.get("authorization"));
  if (!key) throw unauthorized("Send an API key: Authorization: Bearer hop_...");
  if (!looksLikeApiKey(key)) throw unauthorized("This is not a Hop API key (they start with hop_)");
  const deps = { db: options.db, redis: options.redis };
  const tokenHash = hashApiKey(key);
  const rule = options.apiKeyRateLimit ?? rateLimitRules.apiKeyRequests;
  // One Redis round trip (the client pipelines calls made together): the cached principal, the key's limiter (by the
  // key's hash, so it needs no lookup first) and the last-used throttle, which lets one write through per key a minute.
  const [cached, outcome, firstUseThisMinute] = await Promise.all([
    deps.redis.get<unknown>(redisKeys.apiKey(tokenHash)),
    apiKeyLimiter(deps.redis, rule).consume(tokenHash),
    deps.redis.set(redisKeys.apiKeyUsed(tokenHash), 1, { nx: true, ex: apiKeyLastUsedIntervalSeconds }),
  ]).catch((error: unknown) => {
    throw isRedisUnavailableError(error) ? redisUnavailable(error) : error;
  });
  const principal = await principalOf(deps, tokenHash, cached).catch((error: unknown) => {
    throw isRedisUnavailableError(error) ? redisUnavailable(error) : error;
  });
  if (!principal) throw unauthorized("This API key is unknown, revoked or expired");
  for (const [name, value] of Object.entries(rateLimitHeaders(outcome))) options.responseHeaders.set(name, value);
  if (!outcome.allowed) throw rateLimited(outcome.retryAfterSeconds);
  if (firstUseThisMinute === "OK") await deps.db.apiToken.update({ where: { id: principal.id }, data: { lastUsedAt: new Date() } });
  const context = createTRPCContext(options);
  return { ...context, apiKey: principal, getSession: () => Promise.resolve(null) };
}
