import { createDatabase, type Database } from "@hop/db";
import { createRedisClient, redisKeys, type RedisClient } from "@hop/redis";
import { createTestDatabase, startRedisServer, type RedisServer } from "@hop/test-harness";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  cacheLink,
  holdLinkCache,
  lookUpLink,
  missingLinkMarker,
  publishLinkCache,
  toCachedLink,
  writeHoldPrefix,
  writeHoldTtlSeconds,
  type ClickDraft,
} from "../src";

// A link write marks its slugs before its transaction and publishes after it,
// so a Redis failure at any step can never leave the old link served.
let redisServer: RedisServer;
let redis: RedisClient;
let db: Database;
let userId: string;

beforeAll(async () => {
  redisServer = await startRedisServer();
  redis = createRedisClient({ REDIS_URL: redisServer.url });
  db = createDatabase(await createTestDatabase());
});
afterAll(async () => {
  await db.$disconnect();
  await redis.close();
  await redisServer.dispose();
});
beforeEach(async () => {
  await redis.redis.flushall();
  await db.user.deleteMany();
  userId = (await db.user.create({ data: { email: "owner@example.com", passwordHash: "x" } })).id;
});

const deps = () => ({ db, redis: redis.redis });
const click = (): ClickDraft => ({
  eventId: `e-${Math.random()}`,
  occurredAt: new Date(),
  referrer: null,
  userAgent: "Mozilla/5.0",
  country: null,
  visitorHash: "v",
});

describe("holdLinkCache / publishLinkCache", () => {
  it("while a write holds a slug, the redirect reads PostgreSQL (the committed state) and cannot refill the old entry", async () => {
    const link = await db.link.create({ data: { slug: "sale", url: "https://old.example/", userId } });
    await cacheLink(redis.redis, "sale", toCachedLink(link));

    const token = await holdLinkCache(redis.redis, ["sale"]);
    expect(token.startsWith(writeHoldPrefix)).toBe(true);
    const ttl = await redis.redis.ttl(redisKeys.link("sale"));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(writeHoldTtlSeconds);

    // The transaction commits a password and a new target; the write's process dies before it publishes.
    await db.link.update({ where: { id: link.id }, data: { url: "https://new.example/", passwordHash: "argon2-hash" } });
    const during = await lookUpLink(deps(), "sale", click());
    expect(during.link).toMatchObject({ url: "https://new.example/" });
    expect(during.link?.passwordTag).not.toBe("");
    // Not counted by the script (the link is locked now), and the hold is still there: the refill lost.
    expect(during.clickRecorded).toBe(false);
    expect(await redis.redis.get(redisKeys.link("sale"))).toBe(token);
    expect(await redis.redis.xlen(redisKeys.clickStream())).toBe(0);
  });

  it("publishes the committed entry over its own hold, but never over another write's hold", async () => {
    const link = await db.link.create({ data: { slug: "docs", url: "https://docs.example/", userId } });
    const first = await holdLinkCache(redis.redis, ["docs"]);
    const second = await holdLinkCache(redis.redis, ["docs"]);
    expect(await publishLinkCache(redis.redis, first, [["docs", toCachedLink(link)]])).toBe(true);
    expect(await redis.redis.get(redisKeys.link("docs"))).toBe(second);

    await publishLinkCache(redis.redis, second, [["docs", toCachedLink(link)]]);
    expect(await redis.redis.get(redisKeys.link("docs"))).toMatchObject({ id: link.id, url: "https://docs.example/" });
  });

  it("publishes a deletion as the missing marker, and a release drops only its own hold", async () => {
    const token = await holdLinkCache(redis.redis, ["gone", "taken"]);
    await publishLinkCache(redis.redis, token, [
      ["gone", null],
      ["taken", "release"],
    ]);
    expect(await redis.redis.get(redisKeys.link("gone"))).toBe(missingLinkMarker);
    expect(await redis.redis.exists(redisKeys.link("taken"))).toBe(0);
  });

  it("refuses to hold while Redis is down (the caller changes nothing), and publishing then reports failure instead of throwing", async () => {
    await redisServer.stop();
    try {
      await expect(holdLinkCache(redis.redis, ["any"])).rejects.toThrow();
      await expect(publishLinkCache(redis.redis, "hold:x", [["any", null]])).resolves.toBe(false);
    } finally {
      await redisServer.start();
    }
  });
});
