import type { Database } from "@hop/db";
import { redisKeys, type Redis } from "@hop/redis";
import { isBotAgent } from "./enrich";
import type { ClickEvent } from "./event";
import { liveWindowMinutes, minuteStart, type LiveBatch } from "./live-update";

/** The per-minute counts outlive the window a little, so a minute is never gone while a dashboard still shows it. */
const liveMinutesTtlSeconds = (liveWindowMinutes + 5) * 60;

export interface PublishLiveOptions {
  /**
   * Add the batch to the per-minute counts. False for a batch that had
   * already been counted in part (a replay after a worker died between its
   * commit and its acknowledgement): the dashboards are still told to look
   * again, but the half-hour counter is not counted twice.
   */
  count: boolean;
}

/**
 * Tells every open dashboard that a batch of clicks has been counted: per
 * owner, the per-minute totals (HINCRBY in Redis, which answers the new
 * totals) and the links concerned, published on one channel that each web
 * instance listens to once. Called by the worker after the batch committed,
 * so a dashboard that refetches on the message sees the clicks in
 * PostgreSQL's rollups.
 */
export async function publishLiveClicks(db: Database, redis: Redis, events: readonly ClickEvent[], options: PublishLiveOptions): Promise<LiveBatch | null> {
  if (events.length === 0) return null;
  const linkIds = [...new Set(events.map((event) => event.linkId))];
  const owners = new Map(
    (await db.link.findMany({ where: { id: { in: linkIds } }, select: { id: true, userId: true } })).map((link) => [link.id, link.userId]),
  );

  const users = new Map<string, { links: Map<string, number>; minutes: Map<number, number> }>();
  const botByAgent = new Map<string | null, boolean>();
  for (const event of events) {
    const userId = owners.get(event.linkId);
    if (!userId) continue;
    let user = users.get(userId);
    if (!user) {
      user = { links: new Map(), minutes: new Map() };
      users.set(userId, user);
    }
    user.links.set(event.linkId, (user.links.get(event.linkId) ?? 0) + 1);
    let bot = botByAgent.get(event.userAgent);
    if (bot === undefined) {
      bot = isBotAgent(event.userAgent);
      botByAgent.set(event.userAgent, bot);
    }
    if (!bot) {
      const minute = minuteStart(event.occurredAt.getTime());
      user.minutes.set(minute, (user.minutes.get(minute) ?? 0) + 1);
    }
  }
  if (users.size === 0) return null;

  // The new totals: HINCRBY answers each minute's count after the increment.
  const pipeline = redis.pipeline();
  const asked: { userId: string; minute: number; reply: number }[] = [];
  let commands = 0;
  if (options.count) {
    for (const [userId, user] of users) {
      if (user.minutes.size === 0) continue;
      const key = redisKeys.liveMinutes(userId);
      for (const [minute, clicks] of user.minutes) {
        pipeline.hincrby(key, String(minute), clicks);
        asked.push({ userId, minute, reply: commands++ });
      }
      pipeline.expire(key, liveMinutesTtlSeconds);
      commands++;
    }
  }
  const replies = commands > 0 ? await pipeline.exec<unknown[]>() : [];
  const totals = new Map<string, Record<string, number>>();
  for (const { userId, minute, reply } of asked) {
    const minutes = totals.get(userId) ?? {};
    minutes[String(minute)] = Number(replies[reply]);
    totals.set(userId, minutes);
  }

  const batch: LiveBatch = {
    at: Date.now(),
    users: Object.fromEntries(
      [...users].map(([userId, user]) => [userId, { minutes: totals.get(userId) ?? {}, links: Object.fromEntries(user.links) }] as const),
    ),
  };
  await redis.publish(redisKeys.liveClicksChannel(), JSON.stringify(batch));
  return batch;
}

/** The user's per-minute totals of the last half hour, for a dashboard that has just connected. */
export async function readLiveMinutes(redis: Redis, userId: string): Promise<Record<string, number>> {
  const raw = await redis.hgetall<Record<string, unknown>>(redisKeys.liveMinutes(userId));
  const minutes: Record<string, number> = {};
  for (const [minute, clicks] of Object.entries(raw ?? {})) {
    const count = Number(clicks);
    if (/^\d{1,15}$/.test(minute) && Number.isSafeInteger(count) && count >= 0) minutes[minute] = count;
  }
  return minutes;
}
