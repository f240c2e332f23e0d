import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createCaller, createTRPCContext } from "@hop/api";
import { createSession, sealSessionCookie, sessionCookieName } from "@hop/auth";
import { clickEventFromStreamFields } from "@hop/clicks";
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

describe("what a click carries for analytics", () => {
  it("a visit through the QR code's URL is a QR scan, sent to the same destination; every click carries the visitor's address", async () => {
    const link = await api.links.create({ url: "https://example.com/scanned", slug: "scanned" });
    const scan = await fetch(`${baseUrl}/scanned?qr=1`, { redirect: "manual" });
    const visit = await fetch(`${baseUrl}/scanned`, { redirect: "manual" });
    const other = await fetch(`${baseUrl}/scanned?qr=0`, { redirect: "manual" });
    for (const response of [scan, visit, other]) expect(response.headers.get("location")).toBe("https://example.com/scanned");
    const entries = await redis.redis.xrange<Record<string, Record<string, unknown>>>(redisKeys.clickStream(), "-", "+");
    const events = Object.values(entries).map((fields) => clickEventFromStreamFields(fields));
    expect(events.map((event) => [event.linkId, event.trigger])).toEqual([
      [link.id, "qr"],
      [link.id, "link"],
      [link.id, "link"],
    ]);
    // The address the request came from (for the worker's country lookup; never stored in PostgreSQL).
    for (const event of events) expect(event.ip).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
  });
});

describe("the referrer of a click on a password-protected link", () => {
  /** The referrers of the clicks on the stream, oldest first. */
  async function streamReferrers(): Promise<(string | null)[]> {
    const entries = await redis.redis.xrange<Record<string, Record<string, unknown>>>(redisKeys.clickStream(), "-", "+");
    return Object.values(entries).map((fields) => clickEventFromStreamFields(fields).referrer);
  }
  /** `name=value` pairs of a response's Set-Cookie headers, for the next request's Cookie header. */
  const cookiesOf = (response: Response) => response.headers.getSetCookie().map((cookie) => cookie.split(";")[0]!);
  /** The hidden field the unlock page sends back, HTML entities undone. */
  async function hiddenReferrer(page: Response): Promise<string | null> {
    const match = /<input type="hidden" name="referrer" value="([^"]*)">/.exec(await page.text());
    return match ? match[1]!.replaceAll("&amp;", "&").replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&lt;", "<").replaceAll("&gt;", ">") : null;
  }

  it("is the page the visitor came from, not Hop's unlock page, through a wrong guess; the next visit has its own again", async () => {
    await api.links.create({ url: "https://example.com/members", slug: "kept-referrer", password: "open sesame" });
    const unlockPage = `${baseUrl}/kept-referrer`;
    const original = "https://news.example/thread?id=42&sort=new";

    const locked = await fetch(unlockPage, { redirect: "manual", headers: { referer: original } });
    expect(locked.status).toBe(401);
    const carried = await hiddenReferrer(locked);
    expect(carried).toBe(original);

    // A wrong password first: the page that asks again still carries it.
    const wrong = await unlock("kept-referrer", "wrong", { referer: unlockPage });
    expect(wrong.status).toBe(401);
    const again = await fetch(unlockPage, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({ password: "wrong again", referrer: carried! }),
      headers: { referer: unlockPage },
    });
    expect(await hiddenReferrer(again)).toBe(original);

    const right = await fetch(unlockPage, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({ password: "open sesame", referrer: carried! }),
      headers: { referer: unlockPage },
    });
    expect(right.status).toBe(303);
    const cookies = cookiesOf(right);
    // The browser follows the 303 with Hop's own page as its Referer.
    const visit = await fetch(unlockPage, { redirect: "manual", headers: { referer: unlockPage, cookie: cookies.join("; ") } });
    expect({ status: visit.status, location: visit.headers.get("location") }).toEqual({ status: 302, location: "https://example.com/members" });
    expect(await streamReferrers()).toEqual([original]);

    // Read once: a later visit (its carry cookie cleared by the answer above) records where it came from.
    const cleared = cookiesOf(visit);
    expect(cleared.some((cookie) => cookie.startsWith("hop_unlock_ref_") && cookie.endsWith("="))).toBe(true);
    const unlockCookie = cookies.filter((cookie) => !cookie.startsWith("hop_unlock_ref_"));
    await fetch(unlockPage, { redirect: "manual", headers: { referer: "https://chat.example/", cookie: unlockCookie.join("; ") } });
    expect(await streamReferrers()).toEqual([original, "https://chat.example/"]);
  });

  it("is none when the visitor came without one, or when the field holds anything but an http(s) URL; a long one is cut at 2048", async () => {
    await api.links.create({ url: "https://example.com/forged", slug: "forged-referrer", password: "open sesame" });
    const unlockPage = `${baseUrl}/forged-referrer`;
    expect(await hiddenReferrer(await fetch(unlockPage, { redirect: "manual" }))).toBeNull();

    const long = `https://news.example/${"a".repeat(3000)}`;
    for (const referrer of ["", "javascript:alert(1)", "not a url", long]) {
      const right = await fetch(unlockPage, {
        method: "POST",
        redirect: "manual",
        body: new URLSearchParams({ password: "open sesame", referrer }),
        headers: { referer: unlockPage },
      });
      expect(right.status).toBe(303);
      await fetch(unlockPage, { redirect: "manual", headers: { referer: unlockPage, cookie: cookiesOf(right).join("; ") } });
    }
    expect(await streamReferrers()).toEqual([null, null, null, long.slice(0, 2048)]);
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
