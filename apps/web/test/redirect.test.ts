import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createCaller, createTRPCContext } from "@hop/api";
import { createSession, sealSessionCookie, sessionCookieName } from "@hop/auth";
import { createDatabase, type Database } from "@hop/db";
import { createLogger } from "@hop/logger";
import { createRedisClient, rateLimitRules, redisKeys, type RedisClient } from "@hop/redis";
import { createTestDatabase, startRedisServer, type RedisServer } from "@hop/test-harness";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { webEnvSchema } from "../src/server/env";
import { answerShortLink } from "../server/redirect";

// The redirect in one process, in seconds rather than the multi-process
// rules test's minute: the GET/HEAD choice (HEAD redirects, only GET is a
// click) and the limit on guessing a link's password (issue 18), on a real
// PostgreSQL and a real redis-server.
let redisServer: RedisServer;
let redis: RedisClient;
let db: Database;
let server: Server;
let baseUrl: string;
let api: ReturnType<typeof createCaller>;

beforeAll(async () => {
  redisServer = await startRedisServer();
  const databaseUrl = await createTestDatabase();
  const env = webEnvSchema.parse({
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisServer.url,
    SESSION_SECRETS: `1:${"redirect-test-secret-".repeat(2)}`,
    VISITOR_HASH_SECRET: "redirect-test-visitor-hash-secret-0123456789",
    LOG_LEVEL: "silent",
  });
  db = createDatabase(databaseUrl);
  redis = createRedisClient(env);
  const services = {
    env,
    db,
    redis,
    sessionConfig: { secrets: env.SESSION_SECRETS, ttlSeconds: env.SESSION_TTL_SECONDS },
    log: createLogger("web-test", "silent"),
  };
  server = createServer((request, response) => {
    const slug = new URL(request.url ?? "/", "http://x").pathname.slice(1);
    answerShortLink(request, response, slug, services).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const user = await db.user.create({ data: { email: "redirect-owner@example.com", passwordHash: "unused" } });
  const session = await createSession(redis.redis, { userId: user.id, userAgent: null, ttlSeconds: 600, epoch: 0 });
  if (!session) throw new Error("the session could not be created");
  const cookie = await sealSessionCookie({ sid: session.sessionId, uid: user.id, iat: Date.now(), ep: session.epoch }, env.SESSION_SECRETS, 600);
  api = createCaller(
    createTRPCContext({
      db,
      redis: redis.redis,
      instanceId: "web-test",
      request: new Request("https://hop.example/api/trpc", { headers: { cookie: `${sessionCookieName}=${cookie}` } }),
      responseHeaders: new Headers(),
      sessionConfig: services.sessionConfig,
      clientIp: "203.0.113.1",
    }),
  );
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await db?.$disconnect();
  await redis?.close();
  await redisServer?.dispose();
});
beforeEach(async () => {
  if (redisServer) await redis.redis.del(redisKeys.clickStream());
});

/** Clicks recorded anywhere: on the stream (Redis up) or straight in PostgreSQL (Redis down). */
async function clicksRecorded(): Promise<number> {
  return (await redis.redis.xlen(redisKeys.clickStream())) + (await db.click.count());
}

function unlock(slug: string, password: string, headers: Record<string, string> = {}) {
  return fetch(`${baseUrl}/${slug}`, { method: "POST", redirect: "manual", body: new URLSearchParams({ password }), headers });
}

describe("GET and HEAD", () => {
  it("both redirect to the target; only GET counts a click", async () => {
    await api.links.create({ url: "https://example.com/counted", slug: "get-or-head" });
    // Twice each: the first visit may fill the cache, the second is answered from it.
    for (let visit = 0; visit < 2; visit++) {
      const head = await fetch(`${baseUrl}/get-or-head`, { method: "HEAD", redirect: "manual" });
      expect({ status: head.status, location: head.headers.get("location") }).toEqual({ status: 302, location: "https://example.com/counted" });
    }
    expect(await clicksRecorded()).toBe(0);
    for (let visit = 0; visit < 2; visit++) {
      const get = await fetch(`${baseUrl}/get-or-head`, { redirect: "manual" });
      expect({ status: get.status, location: get.headers.get("location") }).toEqual({ status: 302, location: "https://example.com/counted" });
    }
    expect(await clicksRecorded()).toBe(2);
  });
});

describe("guessing a link's password", () => {
  it(`allows ${rateLimitRules.linkUnlockPerIp.limit} wrong guesses, then answers 429 with Retry-After, even to the right password`, async () => {
    await api.links.create({ url: "https://example.com/vault", slug: "guarded", password: "open sesame" });
    const { limit } = rateLimitRules.linkUnlockPerIp;
    for (let guess = 0; guess < limit; guess++) expect((await unlock("guarded", `wrong-${guess}`)).status).toBe(401);

    const limited = await unlock("guarded", "wrong-again");
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= rateLimitRules.linkUnlockPerIp.windowSeconds).toBe(true);
    expect(await limited.text()).toMatch(/Too many attempts/);

    const right = await unlock("guarded", "open sesame");
    expect(right.status).toBe(429);
    expect(right.headers.get("set-cookie")).toBeNull();
  });

  it("answers 503 and unlocks nothing while the limiter's Redis is down (fails closed)", async () => {
    await api.links.create({ url: "https://example.com/closed", slug: "fail-closed", password: "open sesame" });
    await redisServer.stop();
    try {
      const answer = await unlock("fail-closed", "open sesame");
      expect(answer.status).toBe(503);
      expect(answer.headers.get("set-cookie")).toBeNull();
    } finally {
      await redisServer.start();
    }
  });
});
