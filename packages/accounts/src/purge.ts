import type { Database } from "@hop/db";
import { redisKeys, type Redis } from "@hop/redis";

export interface PurgeDeps {
  db: Database;
  redis: Redis;
}

/**
 * Ends every session of a user and forgets the user's session keys (the index
 * and the epoch). Sessions are Redis records named by random ids, listed in
 * the user's index: each listed one goes.
 */
export async function forgetUserSessions(redis: Redis, userId: string): Promise<number> {
  const ids = (await redis.smembers(redisKeys.userSessions(userId))).map(String);
  const ended = ids.length > 0 ? await redis.del(...ids.map((id) => redisKeys.session(id))) : 0;
  await redis.del(redisKeys.userSessions(userId), redisKeys.sessionEpoch(userId));
  return ended;
}

/**
 * Deletes one account whose deletion date has passed (`now`), for good: its
 * slugs' cache entries, its sessions and its session keys go from Redis, then
 * the user row goes and PostgreSQL's cascades take the links, clicks, rollups,
 * visitor sets, tags, API tokens, imports and mailed tokens with it. Redis
 * first, so a failure leaves the account due and the next run does it all
 * again (the other way round, a Redis failure after the delete would leave
 * keys nothing ever finds again). No hold on the slugs is needed: since the
 * deletion was scheduled no write can cache a live entry of them, and lookups
 * find none in PostgreSQL.
 *
 * Safe to run twice at once (two workers, or a retry): the delete is
 * conditional on the date, so one run deletes and the other finds nothing; a
 * deletion cancelled meanwhile keeps the account (its owner signs in again).
 * Returns whether this run deleted the account.
 */
export async function purgeAccount(deps: PurgeDeps, userId: string, now: Date): Promise<{ purged: boolean; links: number }> {
  // Soft-deleted links too: their slugs may still have entries ("no such link" markers).
  const slugs = (await deps.db.link.findMany({ where: { userId }, select: { slug: true } })).map((link) => link.slug);
  if (slugs.length > 0) await deps.redis.del(...slugs.map((slug) => redisKeys.link(slug)));
  // The API keys' cached owners go too: a key of a deleted account is then looked up in PostgreSQL, where it is gone.
  const keys = await deps.db.apiToken.findMany({ where: { userId }, select: { tokenHash: true } });
  if (keys.length > 0) await deps.redis.del(...keys.flatMap((key) => [redisKeys.apiKey(key.tokenHash), redisKeys.apiKeyUsed(key.tokenHash)]));
  await forgetUserSessions(deps.redis, userId);
  const { count } = await deps.db.user.deleteMany({ where: { id: userId, deletionScheduledFor: { lte: now } } });
  return count === 0 ? { purged: false, links: 0 } : { purged: true, links: slugs.length };
}

/** How many accounts one pass looks at before it looks again (each is its own delete, so none waits on a long transaction). */
const purgeBatch = 50;

/**
 * The scheduled purge: every account whose deletion date is past `now`.
 * Returns how many accounts and links this run deleted.
 */
export async function purgeDueAccounts(deps: PurgeDeps, now = new Date()): Promise<{ accounts: number; links: number }> {
  let accounts = 0;
  let links = 0;
  const seen = new Set<string>();
  for (;;) {
    const due = await deps.db.user.findMany({
      where: { deletionScheduledFor: { lte: now }, id: { notIn: [...seen] } },
      select: { id: true },
      orderBy: { deletionScheduledFor: "asc" },
      take: purgeBatch,
    });
    if (due.length === 0) break;
    for (const { id } of due) {
      seen.add(id);
      const result = await purgeAccount(deps, id, now);
      if (result.purged) {
        accounts += 1;
        links += result.links;
      }
    }
  }
  return { accounts, links };
}
