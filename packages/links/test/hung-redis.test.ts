import { createDatabase, type Database } from "@hop/db";
import { createRedisClient, type RedisClient } from "@hop/redis";
import { createTestDatabase, startRedisServer, type RedisServer } from "@hop/test-harness";
import { Redis as RawRedis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { lookUpLink } from "../src";

// A Redis that accepts connections but answers nothing (CLIENT PAUSE: a real hung server, not a mock).
let redisServer: RedisServer;
let redis: RedisClient;
let admin: RawRedis;
let db: Database;

beforeAll(async () => {
  redisServer = await startRedisServer();
  redis = createRedisClient({ REDIS_URL: redisServer.url }, { commandTimeoutMs: 200 });
  admin = new RawRedis(redisServer.url);
  db = createDatabase(await createTestDatabase());
});
afterAll(async () => {
  await db.$disconnect();
  await redis.close();
  admin.disconnect();
  await redisServer.dispose();
});

it("a hung Redis costs the redirect's lookup the command timeout, then PostgreSQL answers", async () => {
  const user = await db.user.create({ data: { email: "hung@example.com", passwordHash: "x" } });
  await db.link.create({ data: { slug: "steady", url: "https://example.com/", userId: user.id } });
  await redis.redis.ping(); // connected before the pause

  await admin.call("CLIENT", "PAUSE", "3000", "ALL");
  const started = performance.now();
  const lookup = await lookUpLink({ db, redis: redis.redis }, "steady", null);
  const elapsed = performance.now() - started;
  await admin.call("CLIENT", "UNPAUSE");

  expect(lookup).toMatchObject({ link: { url: "https://example.com/" }, redisAvailable: false });
  expect(elapsed).toBeLessThan(1_500);
});
