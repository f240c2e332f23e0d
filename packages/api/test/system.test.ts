import { createDatabase, type Database } from "@hop/db";
import { ensureClickConsumerGroup, readNewClicks } from "@hop/clicks";
import { createRedisClient, redisKeys, type RedisClient } from "@hop/redis";
import { startHeartbeat } from "@hop/presence";
import { createTestDatabase, startRedisServer, type RedisServer } from "@hop/test-harness";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller, createTRPCContext } from "../src";
import { createTRPCRouter, protectedProcedure } from "../src/trpc";

// The contract through a server-side caller, on a real database and Redis.
let redisServer: RedisServer;
let redis: RedisClient;
let db: Database;

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

const sessionConfig = { secrets: { 1: "s".repeat(32) }, ttlSeconds: 3_600 };
const context = () =>
  createTRPCContext({
    db,
    redis: redis.redis,
    instanceId: "web-test",
    request: new Request("http://localhost/api/trpc"),
    responseHeaders: new Headers(),
    sessionConfig,
    clientIp: "127.0.0.1",
  });
const caller = () => createCaller(context());

describe("system router", () => {
  it("lists live processes from their heartbeats, and drops one that stops", async () => {
    const now = new Date().toISOString();
    const heartbeat = await startHeartbeat({
      redis: redis.redis,
      describe: () => ({ kind: "worker", id: "worker-a", host: "h", pid: 1, version: "0.1.0", buildId: "b", url: null, startedAt: now, jobWorkerIds: ["pool-1"] }),
    });
    expect((await caller().system.instances()).map((instance) => instance.id)).toEqual(["worker-a"]);
    await heartbeat.stop();
    expect(await caller().system.instances()).toEqual([]);
  });

  it("enqueues a probe in the durable queue and reports it", async () => {
    const before = await caller().system.queue();
    const { probeId, jobId } = await caller().system.sendProbe({ holdMs: 0 });
    expect(jobId).toMatch(/^\d+$/);
    expect(await caller().system.queue()).toEqual({ ...before, queued: before.queued + 1 });
    const events = await caller().system.probe({ probeId });
    expect(events).toEqual([{ event: "sent", instanceId: "web-test", at: expect.any(String) }]);
  });

  it("shows the clicks stream's lag beside the job counts: pending with a worker, and unread", async () => {
    expect((await caller().system.queue()).clicks).toEqual({ pending: 0, unread: 0 });
    const stream = redisKeys.clickStream();
    for (let i = 0; i < 5; i++) await redis.redis.xadd(stream, "*", { eventId: `e${i}` });
    // No worker has made the consumer group yet: everything is unread.
    expect((await caller().system.queue()).clicks).toEqual({ pending: 0, unread: 5 });
    await ensureClickConsumerGroup(redis.redis);
    await readNewClicks(redis.redis, "worker-a", 2);
    expect((await caller().system.queue()).clicks).toEqual({ pending: 2, unread: 3 });
  });

  it("refuses bad input with field messages and changes nothing", async () => {
    const before = await caller().system.queue();
    const error = await caller()
      .system.sendProbe({ holdMs: -5 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    expect(await caller().system.queue()).toEqual(before);
    await expect(caller().system.probe({ probeId: "not-a-uuid" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("protectedProcedure", () => {
  const router = createTRPCRouter({ whoAmI: protectedProcedure.query(({ ctx }) => ctx.session.userId) });

  it("refuses a request without a session", async () => {
    await expect(router.createCaller(context()).whoAmI()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
