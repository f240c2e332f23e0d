import { createDatabase, type Database } from "@hop/db";
import { createRedisClient, type RedisClient } from "@hop/redis";
import { createTestDatabase, startRedisServer, type RedisServer } from "@hop/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordClick } from "../src";

// A click written straight to PostgreSQL (Redis down) tells the link.clicked webhooks as the worker's ingestion does; real PostgreSQL and Redis.
let db: Database | undefined;
let redisServer: RedisServer | undefined;
let redis: RedisClient | undefined;

beforeAll(async () => {
  db = createDatabase(await createTestDatabase());
  redisServer = await startRedisServer();
  redis = createRedisClient({ REDIS_URL: redisServer.url });
});
afterAll(async () => {
  await db?.$disconnect();
  await redis?.close();
  await redisServer?.dispose();
});

describe("recordClick's PostgreSQL fallback", () => {
  it("queues the link.clicked delivery of each endpoint that wants it, once per click even when recorded twice", async () => {
    const database = db!;
    const owner = await database.user.create({ data: { email: "owner@example.com", passwordHash: "x" } });
    const other = await database.user.create({ data: { email: "other@example.com", passwordHash: "x" } });
    const link = await database.link.create({ data: { slug: "fallback", url: "https://example.com/", userId: owner.id } });
    const wanted = await database.webhookEndpoint.create({
      data: { userId: owner.id, url: "https://hooks.example/a", events: ["link.clicked"], secret: "whsec_x" },
    });
    // Neither another event type nor another user's endpoint hears of it.
    await database.webhookEndpoint.create({ data: { userId: owner.id, url: "https://hooks.example/b", events: ["link.created"], secret: "whsec_x" } });
    await database.webhookEndpoint.create({ data: { userId: other.id, url: "https://hooks.example/c", events: ["link.clicked"], secret: "whsec_x" } });

    const deps = { db: database, redis: redis!.redis, visitorHashSecret: "test-secret" };
    const event = { eventId: "fallback-1", linkId: link.id, occurredAt: new Date(), referrer: null, userAgent: "curl/8", country: null, visitorHash: "v1" };
    expect(await recordClick(deps, event, false)).toBe("database");
    // A retried request records the same event again: counted once, sent once.
    expect(await recordClick(deps, event, false)).toBe("database");

    expect(await database.click.count({ where: { linkId: link.id } })).toBe(1);
    const pending = await database.webhookPendingClick.findMany({ select: { endpointId: true } });
    expect(pending).toEqual([{ endpointId: wanted.id }]);
    const jobs = await database.$queryRaw<{ key: string }[]>`SELECT key FROM graphile_worker._private_jobs WHERE key LIKE 'webhook.sendClicks:%'`;
    expect(jobs).toEqual([{ key: `webhook.sendClicks:${wanted.id}` }]);
  });
});
