import { clickEventFromStreamFields } from "@hop/clicks";
import { createDatabase, type Database } from "@hop/db";
import { createRedisClient, redisKeys, type RedisClient } from "@hop/redis";
import { createTestDatabase, startRedisServer, type RedisServer } from "@hop/test-harness";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cacheLink, fillLinkCache, lookUpLink, missingLinkMarker, toCachedLink, warmUpLinkLookup, type ClickDraft } from "../src";

// The redirect's lookup on real Redis and PostgreSQL: cache first, one round
// trip for lookup + click, PostgreSQL on a miss, never overwriting a newer write.
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
const draft = (overrides: Partial<ClickDraft> = {}): ClickDraft => ({
  eventId: `event-${Math.random().toString(36).slice(2)}`,
  occurredAt: new Date(),
  referrer: "https://ref.example/page",
  userAgent: "Mozilla/5.0 Test",
  country: "DE",
  // The redirect leaves the hash to ingestion: the script writes none, and the entry reads back without one.
  visitorHash: null,
  // Every field travels through the Lua script's XADD (its order comes from @hop/clicks).
  ip: "2001:db8::7",
  trigger: "qr",
  ...overrides,
});

async function streamEvents() {
  const entries = await redis.redis.xrange(redisKeys.clickStream(), "-", "+");
  return Object.values(entries).map((fields) => clickEventFromStreamFields(fields as Record<string, unknown>));
}

describe("lookUpLink", () => {
  it("on a miss reads PostgreSQL and fills the cache; on a hit records the click in the same round trip, in the shared event format", async () => {
    const link = await db.link.create({ data: { slug: "hello", url: "https://example.com/", userId, utmSource: "hop" } });
    const first = await lookUpLink(deps(), "hello", draft());
    expect(first).toMatchObject({ link: { id: link.id, url: "https://example.com/?utm_source=hop", status: 302 }, clickRecorded: false, redisAvailable: true });
    expect(await redis.redis.get(redisKeys.link("hello"))).toMatchObject({ id: link.id });

    const click = draft({ referrer: null, country: null });
    const second = await lookUpLink(deps(), "hello", click);
    expect(second.clickRecorded).toBe(true);
    expect(await streamEvents()).toEqual([{ ...click, linkId: link.id }]);
  });

  it("records the click after Redis forgot the script (a restart or SCRIPT FLUSH): EVALSHA's NOSCRIPT sends the text once", async () => {
    const link = await db.link.create({ data: { slug: "flushed", url: "https://example.com/f", userId } });
    await cacheLink(redis.redis, "flushed", toCachedLink(link));
    const before = draft();
    expect((await lookUpLink(deps(), "flushed", before)).clickRecorded).toBe(true);
    await redis.redis.scriptFlush();
    const after = draft();
    const lookup = await lookUpLink(deps(), "flushed", after);
    expect(lookup).toMatchObject({ link: { id: link.id }, clickRecorded: true, redisAvailable: true });
    expect(await streamEvents()).toEqual([
      { ...before, linkId: link.id },
      { ...after, linkId: link.id },
    ]);
  });

  it("records every field through the script's packed argument: empty ones, pattern characters and non-ASCII text, a NUL removed", async () => {
    const link = await db.link.create({ data: { slug: "packed", url: "https://example.com/k", userId } });
    await cacheLink(redis.redis, "packed", toCachedLink(link));
    const odd = draft({ referrer: "https://ref.example/%d?a=1&b=[x]", userAgent: "Bøt (.*%s) \0v2", country: null, ip: null, trigger: "link" });
    const empty = draft({ referrer: null, userAgent: null, country: null, ip: null });
    for (const click of [odd, empty]) expect((await lookUpLink(deps(), "packed", click)).clickRecorded).toBe(true);
    expect(await streamEvents()).toEqual([
      { ...odd, userAgent: "Bøt (.*%s) v2", linkId: link.id },
      { ...empty, linkId: link.id },
    ]);
  });

  it("does not record HEAD (no click), locked or expired links in the script", async () => {
    const locked = await db.link.create({ data: { slug: "locked", url: "https://example.com/l", userId, passwordHash: "$argon2id$fake" } });
    const expired = await db.link.create({ data: { slug: "old", url: "https://example.com/o", userId, expiresAt: new Date(Date.now() - 1000) } });
    const open = await db.link.create({ data: { slug: "open", url: "https://example.com/p", userId } });
    for (const link of [locked, expired, open]) await cacheLink(redis.redis, link.slug, toCachedLink(link));
    expect((await lookUpLink(deps(), "locked", draft())).clickRecorded).toBe(false);
    expect((await lookUpLink(deps(), "old", draft())).clickRecorded).toBe(false);
    expect((await lookUpLink(deps(), "open", null)).clickRecorded).toBe(false);
    expect(await streamEvents()).toEqual([]);
  });

  it("applies the rule alike to entries with the rule's fields first (read by pattern) and in any other key order (read by cjson)", async () => {
    const soon = new Date(Date.now() + 60_000);
    const links = [
      await db.link.create({ data: { slug: "locked", url: "https://example.com/l", userId, passwordHash: "$argon2id$fake" } }),
      await db.link.create({ data: { slug: "old", url: "https://example.com/o", userId, expiresAt: new Date(Date.now() - 1000) } }),
      await db.link.create({ data: { slug: "soon", url: "https://example.com/s", userId, expiresAt: soon } }),
      await db.link.create({ data: { slug: "open", url: "https://example.com/p", userId } }),
    ];
    const recorded: string[] = [];
    for (const order of ["written", "reversed"] as const) {
      await redis.redis.del(redisKeys.clickStream());
      for (const link of links) {
        const entry = toCachedLink(link);
        if (!entry) throw new Error("a live link has an entry");
        if (order === "written") expect(JSON.stringify(entry)).toMatch(/^\{"id":"[^"]+","passwordTag":"[^"]*","expiresAt":\d+,/);
        const value = order === "written" ? entry : Object.fromEntries(Object.entries(entry).reverse());
        await redis.redis.set(redisKeys.link(link.slug), JSON.stringify(value));
        await lookUpLink(deps(), link.slug, draft());
      }
      const events = await streamEvents();
      recorded.push(events.map((event) => event.linkId).join(","));
    }
    const counted = `${links[2]?.id},${links[3]?.id}`;
    expect(recorded).toEqual([counted, counted]);
  });

  it("caches unknown slugs briefly as missing, and a create's write-through replaces the marker", async () => {
    expect((await lookUpLink(deps(), "later", draft())).link).toBeNull();
    expect(await redis.redis.get(redisKeys.link("later"))).toBe(missingLinkMarker);
    expect(await redis.redis.ttl(redisKeys.link("later"))).toBeLessThanOrEqual(60);
    const link = await db.link.create({ data: { slug: "later", url: "https://example.com/later", userId } });
    await cacheLink(redis.redis, "later", toCachedLink(link));
    expect((await lookUpLink(deps(), "later", draft())).link?.id).toBe(link.id);
  });

  it("a refill never overwrites a newer write (a stale reader loses to the write-through)", async () => {
    const link = await db.link.create({ data: { slug: "race", url: "https://example.com/old", userId } });
    const staleRow = { ...link };
    const updated = await db.link.update({ where: { id: link.id }, data: { url: "https://example.com/new" } });
    await cacheLink(redis.redis, "race", toCachedLink(updated));
    // A redirect that read the old row before the update now tries to fill.
    await fillLinkCache(redis.redis, "race", toCachedLink(staleRow));
    expect((await lookUpLink(deps(), "race", null)).link?.url).toBe("https://example.com/new");
  });

  it("treats soft-deleted links as missing", async () => {
    await db.link.create({ data: { slug: "gone", url: "https://example.com/g", userId, deletedAt: new Date() } });
    expect((await lookUpLink(deps(), "gone", draft())).link).toBeNull();
  });

  it("is warmed up at start without recording or caching anything, and the first visit after it finds the script loaded", async () => {
    const link = await db.link.create({ data: { slug: "first", url: "https://example.com/first", userId } });
    await fillLinkCache(redis.redis, "first", toCachedLink(link));
    await redis.redis.scriptFlush();
    await warmUpLinkLookup(deps());
    // Nothing but the link's own cache entry: no click appended, no entry cached for the slug no link has.
    expect(await redis.redis.keys("*")).toEqual([redisKeys.link("first")]);
    const before = await commandStats();
    expect((await lookUpLink(deps(), "first", draft())).clickRecorded).toBe(true);
    const after = await commandStats();
    // The visit's EVALSHA ran at once: no NOSCRIPT answer, no EVAL of the text behind it (the one EVAL is the first INFO read).
    expect(after.get("evalsha")).toEqual({ calls: (before.get("evalsha")?.calls ?? 0) + 1, failed: before.get("evalsha")?.failed ?? 0 });
    expect(after.get("eval")?.calls).toBe((before.get("eval")?.calls ?? 0) + 1);
  });
});

/** Calls and failed calls (rejected ones included) of each Redis command so far, from INFO commandstats read inside a script. */
async function commandStats(): Promise<Map<string, { calls: number; failed: number }>> {
  const info = await redis.redis.eval<[], string>("return redis.call('INFO', 'commandstats')", [], []);
  const stats = new Map<string, { calls: number; failed: number }>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),.*rejected_calls=(\d+),failed_calls=(\d+)/gm)) {
    stats.set(match[1]!, { calls: Number(match[2]), failed: Number(match[3]) + Number(match[4]) });
  }
  return stats;
}
