import { randomUUID } from "node:crypto";
import { clickEventToStreamFields, readClickStreamLag, visitorHash } from "@hop/clicks";
import { createDatabase, type Database } from "@hop/db";
import { createRedisClient, redisKeys, type RedisClient } from "@hop/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterVisitorHashSecret, startCluster, waitFor, type Cluster } from "../support/cluster";

/**
 * DESIGN.md rule 6 for clicks ("queued clicks are still counted once") and
 * "scheduled jobs run once per cluster", on real worker processes.
 */
let cluster: Cluster;
let db: Database;
let redis: RedisClient;
let linkIds: string[];

beforeAll(async () => {
  // A consumer silent for 3 s is presumed dead (30 s in production).
  cluster = await startCluster({ web: 0, workers: 2, env: { CLICK_CLAIM_IDLE_MS: "3000", CLICK_BATCH_SIZE: "250" } });
  db = createDatabase(cluster.env.DATABASE_URL!);
  redis = createRedisClient({ REDIS_URL: cluster.redisServer.url }, { rawReplies: true });
  const user = await db.user.create({ data: { email: "owner@example.com", passwordHash: "x" } });
  linkIds = [];
  for (let i = 0; i < 5; i++) linkIds.push((await db.link.create({ data: { slug: `l${i}`, url: `https://example.com/${i}`, userId: user.id } })).id);
}, 120_000);
afterAll(async () => {
  await cluster.stop();
  await db.$disconnect();
  await redis.close();
});

const pendingOf = async (consumer: string) => {
  const consumers = await redis.redis.exec<unknown[][]>(["XINFO", "CONSUMERS", redisKeys.clickStream(), redisKeys.clickStreamGroup()]);
  for (const fields of consumers) {
    const index = fields.indexOf("name");
    if (fields[index + 1] === consumer) return Number(fields[fields.indexOf("pending") + 1]);
  }
  return 0;
};

/** XADDs `count` clicks (straight to the stream, as the redirect does), spread over the links, one second apart from `start`. */
async function push(count: number, start: number): Promise<void> {
  for (let offset = 0; offset < count; offset += 1_000) {
    const pipeline = redis.redis.pipeline();
    for (let i = offset; i < Math.min(count, offset + 1_000); i++) {
      pipeline.xadd(
        redisKeys.clickStream(),
        "*",
        clickEventToStreamFields({
          eventId: randomUUID(),
          linkId: linkIds[i % linkIds.length]!,
          occurredAt: new Date(start + i * 1_000),
          referrer: i % 3 === 0 ? "https://news.example/item" : null,
          userAgent: `Mozilla/5.0 (X11; Linux x86_64; rv:${100 + (i % 20)}.0) Gecko/20100101 Firefox/${100 + (i % 20)}.0`,
          country: "NL",
          visitorHash: `visitor-${i % 1_500}`,
        }),
      );
    }
    await pipeline.exec();
  }
}

describe("rule 6: a worker killed mid-batch loses no click and counts none twice", () => {
  it("20,000 clicks through two workers, one SIGKILLed mid-batch and replaced: 20,000 rows, rollups (daily and analytics) sum to 20,000", async () => {
    const total = 20_000;
    // 20:00 UTC + 20,000 s: across midnight, two days of rollups.
    await push(total, Date.UTC(2026, 10, 24, 20));

    // Kill a worker while both are busy: its batch in hand stays pending under its name.
    await waitFor(
      () => db.click.count(),
      (count) => count >= 2_000,
      60_000,
      20,
    );
    const victim = cluster.workers[0]!;
    await victim.kill();
    const stranded = await pendingOf(victim.instanceId);
    expect(stranded).toBeGreaterThan(0);
    expect(await db.click.count()).toBeLessThan(total);
    await cluster.addWorker();

    await waitFor(
      () => readClickStreamLag(redis.redis),
      (lag) => lag.pending === 0 && lag.unread === 0,
      120_000,
      250,
    );
    expect(await db.click.count()).toBe(total);
    const sums = await db.linkDailyStat.aggregate({ _sum: { clicks: true, botClicks: true }, _count: true });
    expect(sums._sum.clicks! + sums._sum.botClicks!).toBe(total);
    expect(sums._sum.botClicks).toBe(0);
    expect(sums._count).toBe(linkIds.length * 2);
    const totals = await db.link.aggregate({ _sum: { totalClicks: true } });
    expect(totals._sum.totalClicks).toBe(BigInt(total));
    // The analytics rollups too: every click counted once, in the bucket and under the values of its raw row.
    expect((await db.accountClickBucket.aggregate({ _sum: { clicks: true } }))._sum.clicks).toBe(total);
    const [mismatch] = await db.$queryRaw<{ count: bigint }[]>`
      SELECT count(*) AS count FROM (
        SELECT l."userId", date_bin('15 minutes', c."occurredAt", TIMESTAMP '2000-01-01') AS bucket, c."isBot", count(*)::int AS clicks
        FROM "Click" c JOIN "Link" l ON l.id = c."linkId" GROUP BY 1, 2, 3
      ) raw FULL JOIN "AccountClickBucket" rolled USING ("userId", bucket, "isBot")
      WHERE raw.clicks IS DISTINCT FROM rolled.clicks`;
    expect(Number(mismatch?.count)).toBe(0);
    // And the per-account rollups: clicks per dimension value and UTC day, and visitors per day, each counted once.
    const [accountMismatch] = await db.$queryRaw<{ count: bigint }[]>`
      SELECT count(*) AS count FROM (
        SELECT l."userId", c."occurredAt"::date AS day, c."isBot", coalesce(c.country, '') AS value, count(*)::int AS clicks
        FROM "Click" c JOIN "Link" l ON l.id = c."linkId" GROUP BY 1, 2, 3, 4
      ) raw FULL JOIN (SELECT "userId", day, "isBot", value, clicks FROM "AccountDimensionDay" WHERE dimension = 'country') rolled
        USING ("userId", day, "isBot", value)
      WHERE raw.clicks IS DISTINCT FROM rolled.clicks`;
    expect(Number(accountMismatch?.count)).toBe(0);
    const [visitorMismatch] = await db.$queryRaw<{ count: bigint }[]>`
      SELECT count(*) AS count FROM (
        SELECT l."userId", c."occurredAt"::date AS day, count(DISTINCT c."visitorHash")::int AS visitors
        FROM "Click" c JOIN "Link" l ON l.id = c."linkId" GROUP BY 1, 2
      ) raw FULL JOIN (SELECT "userId", day, visitors FROM "AccountDailyUniques" WHERE kind = 'all') rolled USING ("userId", day)
      WHERE raw.visitors IS DISTINCT FROM rolled.visitors`;
    expect(Number(visitorMismatch?.count)).toBe(0);
    // Unique visitors per link and day equal a recount of the raw rows.
    const recount = await db.$queryRaw<{ linkId: string; day: Date; uniques: bigint }[]>`
      SELECT "linkId", "occurredAt"::date AS day, count(DISTINCT "visitorHash") AS uniques FROM "Click" GROUP BY 1, 2 ORDER BY 1, 2`;
    const rollups = await db.linkDailyStat.findMany({ orderBy: [{ linkId: "asc" }, { day: "asc" }] });
    expect(rollups.map((row) => row.uniqueVisitors)).toEqual(recount.map((row) => Number(row.uniques)));
    // The survivors took over what the dead one held.
    const takeovers = cluster.workers.slice(1).flatMap((worker) => worker.logs.filter((line) => /took over clicks/.test(String(line.msg))));
    expect(takeovers.length).toBeGreaterThan(0);
    cluster.workers.splice(0, 1);
  }, 180_000);

  it("a worker stopped with SIGTERM mid-stream commits what it read, leaves nothing pending and exits 0", async () => {
    const before = await db.click.count();
    await push(5_000, Date.UTC(2026, 10, 25, 12));
    await waitFor(
      () => db.click.count(),
      (count) => count >= before + 500,
      30_000,
      20,
    );
    const leaving = cluster.workers[0]!;
    expect(await leaving.stop()).toEqual({ code: 0, signal: null });
    expect(await pendingOf(leaving.instanceId)).toBe(0);
    cluster.workers.splice(0, 1);
    await waitFor(
      () => readClickStreamLag(redis.redis),
      (lag) => lag.pending === 0 && lag.unread === 0,
      60_000,
      250,
    );
    expect(await db.click.count()).toBe(before + 5_000);
    const sums = await db.linkDailyStat.aggregate({ _sum: { clicks: true } });
    expect(sums._sum.clicks).toBe(before + 5_000);
  }, 120_000);
});

describe("the visitor hash, computed by the workers at ingestion", () => {
  it("hashes the redirect's hash-less clicks with the shared secret, for each click's own UTC day, whichever worker reads them", async () => {
    const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";
    const lateMonday = new Date("2026-10-05T23:59:59.000Z");
    const tuesday = new Date("2026-10-06T00:00:01.000Z");
    // As the redirect's script writes them: an address, no hash. One visitor twice late on a Monday, once on Tuesday; another visitor.
    const visits = [
      { ip: "203.0.113.9", userAgent: firefox, occurredAt: lateMonday },
      { ip: "203.0.113.9", userAgent: firefox, occurredAt: lateMonday },
      { ip: "203.0.113.9", userAgent: firefox, occurredAt: tuesday },
      { ip: "198.51.100.2", userAgent: firefox, occurredAt: tuesday },
    ].map((visit) => ({ ...visit, eventId: randomUUID(), linkId: linkIds[4]!, referrer: null, country: null }));
    for (const visit of visits) await redis.redis.xadd(redisKeys.clickStream(), "*", clickEventToStreamFields(visit));
    const rows = await waitFor(
      () => db.click.findMany({ where: { eventId: { in: visits.map((visit) => visit.eventId) } }, select: { eventId: true, visitorHash: true } }),
      (found) => found.length === visits.length,
      60_000,
    );
    const hashOf = new Map(rows.map((row) => [row.eventId, row.visitorHash]));
    expect(visits.map((visit) => hashOf.get(visit.eventId))).toEqual(
      visits.map((visit) => visitorHash(clusterVisitorHashSecret, visit.ip, visit.userAgent, visit.occurredAt)),
    );
    const stats = await db.linkDailyStat.findMany({ where: { linkId: linkIds[4]!, day: { in: [new Date("2026-10-05"), new Date("2026-10-06")] } } });
    expect(stats.map((row) => [row.day.toISOString().slice(0, 10), row.uniqueVisitors]).sort()).toEqual([
      ["2026-10-05", 1],
      ["2026-10-06", 2],
    ]);
  }, 90_000);
});

describe("scheduled jobs run once per cluster, not once per worker", () => {
  it("with three workers, each tick of links.markExpired runs exactly once", async () => {
    while (cluster.workers.length < 3) await cluster.addWorker();
    const expiring = await db.link.update({ where: { id: linkIds[0]! }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    const runsOf = (task: string) =>
      cluster.workers.flatMap((worker) =>
        worker.logs
          .filter((line) => line.msg === "scheduled job done" && line.task === task)
          .map((line) => ({ tick: String(line.tick), by: worker.instanceId })),
      );
    const startedAt = new Date().toISOString();
    // Ticks are whole minutes: wait for the next one (at most ~60 s), then for stragglers.
    const runs = await waitFor(
      async () => runsOf("links.markExpired").filter((run) => run.tick > startedAt),
      (found) => found.length > 0,
      75_000,
      250,
    );
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const tick = runs[0]!.tick;
    expect(runsOf("links.markExpired").filter((run) => run.tick === tick)).toHaveLength(1);
    expect(runsOf("clicks.trimStream").filter((run) => run.tick === tick)).toHaveLength(1);
    expect((await db.link.findUniqueOrThrow({ where: { id: expiring.id } })).expiredAt).toEqual(expiring.expiresAt);
    // The trim ran on a drained stream: nothing left but what was never read.
    expect(await redis.redis.xlen(redisKeys.clickStream())).toBe(0);
  }, 120_000);
});
