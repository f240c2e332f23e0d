import { createDatabase, type Database } from "@hop/db";
import { enqueueJob } from "@hop/jobs";
import { createRedisClient, redisKeys, type RedisClient } from "@hop/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, waitFor, type Cluster } from "../support/cluster";

/**
 * Issue 12: the purge of accounts past their deletion date, on real worker
 * processes: the same job run several times at once, by two workers, deletes
 * each due account once and leaves nothing of it, and touches no other account.
 * (Once per cluster per tick is graphile-worker's crontab, proven for every
 * scheduled job in clicks.test.ts.)
 */
let cluster: Cluster | undefined;
let db: Database | undefined;
let redis: RedisClient | undefined;

beforeAll(async () => {
  cluster = await startCluster({ web: 0, workers: 2 });
  db = createDatabase(cluster.env.DATABASE_URL ?? "");
  redis = createRedisClient({ REDIS_URL: cluster.redisServer.url });
}, 120_000);
afterAll(async () => {
  await db?.$disconnect();
  await redis?.close();
  await cluster?.stop();
});

/** An account with a link (cached, as after a visit), a click and a live session in Redis. */
async function account(email: string, deletionScheduledFor: Date | null) {
  if (!db || !redis) throw new Error("setup failed");
  const user = await db.user.create({ data: { email, passwordHash: "x", deletionScheduledFor } });
  const link = await db.link.create({ data: { slug: `s-${user.id}`, url: "https://example.com/", userId: user.id } });
  await db.click.create({ data: { eventId: `e-${user.id}`, linkId: link.id, occurredAt: new Date(), visitorHash: "v" } });
  const sessionId = `session-${user.id}`;
  await redis.redis.hset(redisKeys.session(sessionId), { userId: user.id, createdAt: Date.now(), lastSeenAt: Date.now(), device: "Firefox on Linux" });
  await redis.redis.sadd(redisKeys.userSessions(user.id), sessionId);
  await redis.redis.set(redisKeys.sessionEpoch(user.id), 1);
  await redis.redis.set(redisKeys.link(link.slug), "missing", { ex: 600 });
  return { user, link, keys: [redisKeys.session(sessionId), redisKeys.userSessions(user.id), redisKeys.sessionEpoch(user.id), redisKeys.link(link.slug)] };
}

describe("the account purge on two workers", () => {
  it("deletes each due account once, however many runs overlap, and nothing else", async () => {
    if (!cluster || !db || !redis) throw new Error("setup failed");
    const past = new Date(Date.now() - 60_000);
    const due = await Promise.all(["a@example.com", "b@example.com", "c@example.com"].map((email) => account(email, past)));
    const notYet = await account("later@example.com", new Date(Date.now() + 86_400_000));
    const inUse = await account("kept@example.com", null);

    // Six runs in one go, as overlapping ticks or retries would make them: both workers take some at once.
    await db.$transaction(async (tx) => {
      for (let i = 0; i < 6; i++) await enqueueJob(tx, "accounts.purgeDue", {});
    });
    const runs = () =>
      cluster!.workers.flatMap((worker) =>
        worker.logs
          .filter((line) => line.msg === "scheduled job done" && line.task === "accounts.purgeDue")
          .map((line) => ({ accounts: Number(line.accounts), by: worker.instanceId })),
      );
    await waitFor(
      async () => runs().length,
      (count) => count === 6,
      60_000,
      100,
    );

    // Each due account purged by exactly one run; no run failed.
    expect(runs().reduce((sum, run) => sum + run.accounts, 0)).toBe(3);
    for (const worker of cluster.workers) expect(worker.logs.filter((line) => line.msg === "job failed; will retry")).toEqual([]);

    for (const { user, link, keys } of due) {
      expect(await db.user.findUnique({ where: { id: user.id } })).toBeNull();
      expect(await db.link.findUnique({ where: { id: link.id } })).toBeNull();
      expect(await db.click.count({ where: { linkId: link.id } })).toBe(0);
      expect(await redis.redis.exists(...keys)).toBe(0);
    }
    // Not due yet, and not scheduled: every row and key as it was.
    for (const { user, link, keys } of [notYet, inUse]) {
      expect(await db.user.findUnique({ where: { id: user.id } })).not.toBeNull();
      expect(await db.click.count({ where: { linkId: link.id } })).toBe(1);
      expect(await redis.redis.exists(...keys)).toBe(keys.length);
    }
  }, 120_000);
});
