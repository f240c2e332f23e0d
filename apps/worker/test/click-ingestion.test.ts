import { randomUUID } from "node:crypto";
import { clickEventToStreamFields, clickStreamFieldValues, ensureClickConsumerGroup, readClickStreamLag, readNewClicks, type ClickEvent } from "@hop/clicks";
import { createDatabase, type Database } from "@hop/db";
import { createLogger } from "@hop/logger";
import { createRedisClient, redisKeys, type RedisClient } from "@hop/redis";
import { createTestDatabase, startRedisServer, waitFor, type RedisServer } from "@hop/test-harness";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startClickIngestion, type ClickIngestion } from "../src/click-ingestion";

// The ingestion loop in-process, on a real Redis stream and PostgreSQL.
let redisServer: RedisServer;
let redis: RedisClient;
let db: Database;
let linkIds: string[];
const running: ClickIngestion[] = [];
const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";
const googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

beforeAll(async () => {
  redisServer = await startRedisServer();
  redis = createRedisClient({ REDIS_URL: redisServer.url }, { rawReplies: true });
  db = createDatabase(await createTestDatabase());
});
afterAll(async () => {
  await Promise.all(running.map((ingestion) => ingestion.stop()));
  await db.$disconnect();
  await redis.close();
  await redisServer.dispose();
});
beforeEach(async () => {
  await Promise.all(running.splice(0).map((ingestion) => ingestion.stop()));
  await redis.redis.del(redisKeys.clickStream(), redisKeys.legacyClickStream());
  await db.user.deleteMany();
  const user = await db.user.create({ data: { email: "owner@example.com", passwordHash: "x" } });
  linkIds = [];
  for (const slug of ["a", "b"]) linkIds.push((await db.link.create({ data: { slug, url: `https://example.com/${slug}`, userId: user.id } })).id);
});

function start(overrides: { consumer?: string; claimIdleMs?: number; batchSize?: number } = {}): ClickIngestion {
  const ingestion = startClickIngestion({
    db,
    redis: redis.redis,
    consumer: overrides.consumer ?? `worker-${randomUUID().slice(0, 8)}`,
    batchSize: overrides.batchSize ?? 64,
    claimIdleMs: overrides.claimIdleMs ?? 30_000,
    idleBackoffMs: 20,
    log: createLogger("test", "silent"),
    visitorHashSecret: "click-ingestion-test-visitor-hash-secret-0123",
  });
  running.push(ingestion);
  return ingestion;
}

function click(i: number, overrides: Partial<ClickEvent> = {}): ClickEvent {
  return {
    eventId: `evt-${i}`,
    linkId: linkIds[i % 2]!,
    occurredAt: new Date("2026-11-24T10:00:00Z"),
    referrer: null,
    userAgent: firefox,
    country: null,
    visitorHash: `visitor-${i % 10}`,
    ...overrides,
  };
}

async function push(events: ClickEvent[]): Promise<void> {
  const pipeline = redis.redis.pipeline();
  for (const event of events) pipeline.xadd(redisKeys.clickStream(), "*", clickEventToStreamFields(event));
  await pipeline.exec();
}

const drained = () =>
  waitFor(
    () => readClickStreamLag(redis.redis),
    (lag) => lag.pending === 0 && lag.unread === 0,
    15_000,
  );
const totals = async () => {
  const sums = await db.linkDailyStat.aggregate({ _sum: { clicks: true, botClicks: true } });
  return { rows: await db.click.count(), clicks: sums._sum.clicks ?? 0, bots: sums._sum.botClicks ?? 0 };
};

describe("click ingestion", () => {
  it("counts a stream with repeated events once, flags bots, drops malformed entries, keeps raw text as sent", async () => {
    const events = Array.from({ length: 300 }, (_, i) => click(i, i % 10 === 0 ? { userAgent: googlebot } : {}));
    const jsonLooking = click(1_000, { userAgent: '{"agent":1}', referrer: "null" });
    await push([...events, ...events.slice(0, 80), jsonLooking]);
    await redis.redis.xadd(redisKeys.clickStream(), "*", { eventId: "broken" });
    start();
    await drained();
    expect(await totals()).toEqual({ rows: 301, clicks: 270, bots: 31 });
    const odd = await db.click.findUniqueOrThrow({ where: { eventId: "evt-1000" } });
    // Stored as sent, not JSON-parsed on the way (and no browser sends that: a bot).
    expect(odd).toMatchObject({ userAgent: '{"agent":1}', referrerHost: null, isBot: true });
    // Replaying the whole stream changes nothing.
    await push(events);
    await drained();
    expect(await totals()).toEqual({ rows: 301, clicks: 270, bots: 31 });
  });

  it("counts the clicks older web processes left on the legacy stream (every field by name) beside the packed ones, once each", async () => {
    const events = Array.from({ length: 120 }, (_, i) => click(i));
    // During an upgrade: the older webs append the first shape to the legacy stream, the newer ones packed entries.
    const legacy = redis.redis.pipeline();
    for (const event of events.slice(0, 70)) legacy.xadd(redisKeys.legacyClickStream(), "*", clickStreamFieldValues(event));
    await legacy.exec();
    await push(events.slice(50));
    start({ batchSize: 25 });
    await drained();
    // 20 events were on both streams: counted once.
    expect(await totals()).toEqual({ rows: 120, clicks: 120, bots: 0 });
    expect(await db.click.findUniqueOrThrow({ where: { eventId: "evt-3" } })).toMatchObject({ userAgent: firefox, linkId: events[3]?.linkId });
    expect(await redis.redis.xlen(redisKeys.legacyClickStream())).toBe(70);
    expect(await readClickStreamLag(redis.redis)).toEqual({ pending: 0, unread: 0 });
  });

  it("commits nothing of a batch that fails half-way, keeps it pending, and counts it once when it succeeds", async () => {
    await db.$executeRawUnsafe(`
      CREATE FUNCTION fail_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW."linkId" = '${linkIds[1]!}' THEN RAISE EXCEPTION 'forced failure'; END IF; RETURN NEW; END $$`);
    await db.$executeRawUnsafe(`CREATE TRIGGER fail_rollup BEFORE INSERT ON "LinkDailyStat" FOR EACH ROW EXECUTE FUNCTION fail_rollup()`);
    try {
      await push(Array.from({ length: 40 }, (_, i) => click(i)));
      start({ batchSize: 40 });
      // Read and failed (at least once): pending, not acknowledged, nothing written.
      await waitFor(
        () => readClickStreamLag(redis.redis),
        (lag) => lag.pending === 40 && lag.unread === 0,
        10_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await readClickStreamLag(redis.redis)).toEqual({ pending: 40, unread: 0 });
      expect(await totals()).toEqual({ rows: 0, clicks: 0, bots: 0 });
      expect(await db.linkDailyVisitor.count()).toBe(0);
    } finally {
      await db.$executeRawUnsafe(`DROP TRIGGER fail_rollup ON "LinkDailyStat"`);
      await db.$executeRawUnsafe(`DROP FUNCTION fail_rollup`);
    }
    await drained();
    expect(await totals()).toEqual({ rows: 40, clicks: 40, bots: 0 });
    const links = await db.link.findMany({ select: { totalClicks: true } });
    expect(links.map((link) => Number(link.totalClicks))).toEqual([20, 20]);
  });

  /** Batch transactions of the worker held behind the test's row lock. */
  const commitsWaiting = async () => {
    const [row] = await db.$queryRaw<[{ waiting: bigint }]>`
      SELECT count(*) AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    return Number(row.waiting);
  };

  it("reads no further while a short batch commits (what arrives meanwhile is the next batch), but keeps full batches in flight side by side", async () => {
    // A row lock on both links holds every batch's transaction at its first insert (the click's foreign key), for as long
    // as the test wants.
    let releaseLock: () => void = () => undefined;
    const lockReleased = new Promise<void>((resolve) => {
      releaseLock = resolve;
    });
    let lockTaken: () => void = () => undefined;
    const locked = new Promise<void>((resolve) => {
      lockTaken = resolve;
    });
    const holder = db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM "Link" FOR UPDATE`;
        lockTaken();
        await lockReleased;
      },
      { timeout: 30_000 },
    );
    let sent = 0;
    const trickle = start({ batchSize: 1_000 });
    try {
      await locked;
      // Clicks arrive one by one, all the time, as visits do: each read finds a few, a short batch (the stream drained).
      let arriving = true;
      // Four at once: the stream is never empty when the worker reads, as under load.
      const arrivals = Promise.all(
        Array.from({ length: 4 }, async () => {
          while (arriving) await push([click(sent++)]);
        }),
      );
      try {
        await waitFor(commitsWaiting, (waiting) => waiting > 0, 10_000);
        await new Promise((resolve) => setTimeout(resolve, 400));
        // The first batch is held at its commit; what arrived since is not read into transactions of its own beside it
        // (it waits for the commit and goes as one batch).
        expect(await commitsWaiting()).toBe(1);
        expect((await readClickStreamLag(redis.redis)).unread).toBeGreaterThan(10);
      } finally {
        arriving = false;
        await arrivals;
      }
    } finally {
      releaseLock();
      await holder;
    }
    await drained();
    expect(await totals()).toEqual({ rows: sent, clicks: sent, bots: 0 });
    await trickle.stop();
    start({ batchSize: 10 });

    // Full batches are a backlog: three of them commit side by side (batchesInFlight), the fourth waits for a slot.
    const secondHolder = db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM "Link" FOR UPDATE`;
        await push(Array.from({ length: 45 }, (_, i) => click(1_000_000 + i)));
        await waitFor(
          () => readClickStreamLag(redis.redis),
          (lag) => lag.pending === 30,
          10_000,
        );
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(await readClickStreamLag(redis.redis)).toEqual({ pending: 30, unread: 15 });
        expect(await commitsWaiting()).toBe(3);
      },
      { timeout: 30_000 },
    );
    await secondHolder;
    await drained();
    expect(await totals()).toEqual({ rows: sent + 45, clicks: sent + 45, bots: 0 });
  });

  it("takes over what a dead consumer left pending, once it has been idle long enough", async () => {
    await push(Array.from({ length: 30 }, (_, i) => click(i)));
    // A consumer reads a batch and dies before committing it.
    await ensureClickConsumerGroup(redis.redis);
    expect(await readNewClicks(redis.redis, "worker-dead", 30)).toHaveLength(30);
    start({ claimIdleMs: 1_500 });
    await new Promise((resolve) => setTimeout(resolve, 700));
    // Not yet: it might still be working on them.
    expect(await totals()).toEqual({ rows: 0, clicks: 0, bots: 0 });
    await drained();
    expect(await totals()).toEqual({ rows: 30, clicks: 30, bots: 0 });
  });

  it("carries on when the stream and its group vanish (Redis restarted empty)", async () => {
    start();
    await push([click(1), click(2)]);
    await waitFor(
      () => db.click.count(),
      (count) => count === 2,
      10_000,
    );
    await redis.redis.del(redisKeys.clickStream());
    await push([click(3), click(4)]);
    await waitFor(
      () => db.click.count(),
      (count) => count === 4,
      15_000,
    );
  });

  it("stops after committing the batch in hand, leaving unread entries in the stream", async () => {
    await push(Array.from({ length: 2_000 }, (_, i) => click(i)));
    const ingestion = start({ batchSize: 100 });
    await waitFor(
      () => db.click.count(),
      (count) => count > 0,
      10_000,
    );
    await ingestion.stop();
    const lag = await readClickStreamLag(redis.redis);
    const { rows } = await totals();
    expect(lag.pending).toBe(0);
    expect(rows + lag.unread).toBe(2_000);
    start();
    await drained();
    expect(await totals()).toEqual({ rows: 2_000, clicks: 2_000, bots: 0 });
  });
});
