import type { Database } from "@hop/db";
import { redisKeys, type Redis } from "@hop/redis";
import type { ClickEvent } from "./event";
import type { LiveBatch } from "./live-update";

/**
 * Tells every open dashboard that a batch of clicks has been counted: per
 * owner, the links concerned and their new clicks, published on one channel
 * that each web instance listens to once. Called by the worker after the
 * batch committed, so a dashboard that asks again on the message finds the
 * clicks in PostgreSQL. Returns what it published (null: nothing to tell).
 */
export async function publishLiveClicks(db: Database, redis: Redis, events: readonly ClickEvent[]): Promise<LiveBatch | null> {
  if (events.length === 0) return null;
  const linkIds = [...new Set(events.map((event) => event.linkId))];
  const owners = new Map(
    (await db.link.findMany({ where: { id: { in: linkIds } }, select: { id: true, userId: true } })).map((link) => [link.id, link.userId]),
  );
  const users: LiveBatch["users"] = {};
  for (const event of events) {
    const userId = owners.get(event.linkId);
    if (!userId) continue; // deleted meanwhile: nobody to tell
    const links = users[userId]?.links ?? {};
    links[event.linkId] = (links[event.linkId] ?? 0) + 1;
    users[userId] = { links };
  }
  if (Object.keys(users).length === 0) return null;
  const batch: LiveBatch = { at: Date.now(), users };
  await redis.publish(redisKeys.liveClicksChannel(), JSON.stringify(batch));
  return batch;
}
