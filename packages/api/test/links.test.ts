import { sealSessionCookie, type SessionSecrets } from "@hop/auth";
import { createDatabase, type Database } from "@hop/db";
import { cachedLinkSchema, generatedSlugLength, missingLinkMarker, slugAlphabet } from "@hop/links";
import { createRedisClient, rateLimitRules, redisKeys, type RedisClient } from "@hop/redis";
import { createTestDatabase, startRedisServer, waitFor, type RedisServer } from "@hop/test-harness";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z, ZodError } from "zod";
import { createCaller, createTRPCContext } from "../src";
import { FieldError } from "../src/errors";

// The links router through a server-side caller, on real PostgreSQL and Redis.
let redisServer: RedisServer;
let redis: RedisClient;
let db: Database;
const secrets: SessionSecrets = { 1: "links-test-secret-0123456789abcdefghij" };

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
  await db.$executeRawUnsafe("DELETE FROM graphile_worker._private_jobs");
});

/** A signed-in API caller for a fresh user (the session made directly, as sign-in would). */
async function signedInCaller(email = `user-${Math.random().toString(36).slice(2)}@example.com`) {
  const user = await db.user.create({ data: { email, passwordHash: "unused" } });
  const sessionId = `s-${user.id}`;
  await redis.redis.hset(redisKeys.session(sessionId), { userId: user.id, createdAt: Date.now(), lastSeenAt: Date.now(), device: "test" });
  await redis.redis.sadd(redisKeys.userSessions(user.id), sessionId);
  const cookie = await sealSessionCookie({ sid: sessionId, uid: user.id, iat: Date.now() }, secrets, 3_600);
  const api = createCaller(
    createTRPCContext({
      db,
      redis: redis.redis,
      instanceId: "web-test",
      request: new Request("https://hop.example/api/trpc", { headers: { cookie: `hop_session=${cookie}`, host: "hop.example" } }),
      responseHeaders: new Headers(),
      sessionConfig: { secrets, ttlSeconds: 3_600 },
      clientIp: "203.0.113.9",
    }),
  );
  return { api, user };
}

async function errorOf(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

/** The field messages a form would show (what the error formatter sends). */
async function fieldErrorsOf(promise: Promise<unknown>): Promise<Record<string, string[] | undefined>> {
  const error = await errorOf(promise);
  expect(error.code).toBe("BAD_REQUEST");
  if (error.cause instanceof FieldError) return { [error.cause.field]: [error.cause.message] };
  expect(error.cause).toBeInstanceOf(ZodError);
  return z.flattenError(error.cause as ZodError).fieldErrors as Record<string, string[] | undefined>;
}

const readCache = async (slug: string) => redis.redis.get<unknown>(redisKeys.link(slug));

describe("creating links", () => {
  it("generates a short, unambiguous slug, caches the link and queues its metadata fetch in the same transaction", async () => {
    const { api } = await signedInCaller();
    const link = await api.links.create({ url: "https://example.com/a/long/path?q=1" });
    expect(link.slug).toHaveLength(generatedSlugLength);
    expect([...link.slug].every((char) => slugAlphabet.includes(char))).toBe(true);
    expect(link).toMatchObject({
      shortUrl: `https://hop.example/${link.slug}`,
      redirectStatus: 302,
      hasPassword: false,
      clicks: 0,
      metadataStatus: "PENDING",
      tags: [],
    });
    expect(cachedLinkSchema.parse(await readCache(link.slug))).toMatchObject({ id: link.id, url: link.url, status: 302 });
    const jobs = await db.$queryRaw<{ task_identifier: string; key: string; payload: { linkId: string } }[]>`
      SELECT t.identifier AS task_identifier, j.key, j.payload
      FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id`;
    expect(jobs).toEqual([{ task_identifier: "link.fetchMetadata", key: `link.fetchMetadata:${link.id}`, payload: { linkId: link.id, url: link.url } }]);
  });

  it("takes every option: slug, title, expiry with fallback, password (hashed), status, UTM written into the target, tags", async () => {
    const { api } = await signedInCaller();
    const expiresAt = new Date(Date.now() + 86_400_000);
    const link = await api.links.create({
      url: "https://example.com/launch?utm_source=old&ref=x#top",
      slug: "Launch-2026_a",
      title: "Launch post",
      expiresAt,
      expiredUrl: "https://example.com/over",
      password: "open sesame",
      redirectStatus: 307,
      utm: { source: "newsletter", medium: "email", campaign: "launch", term: "", content: "hero" },
      tags: ["news", "launch", "news"],
    });
    expect(link).toMatchObject({
      slug: "Launch-2026_a",
      title: "Launch post",
      expiresAt,
      expiredUrl: "https://example.com/over",
      hasPassword: true,
      redirectStatus: 307,
      tags: ["launch", "news"],
      utm: { source: "newsletter", medium: "email", campaign: "launch", content: "hero" },
    });
    const destination = new URL(link.destinationUrl);
    expect(Object.fromEntries(destination.searchParams)).toEqual({
      utm_source: "newsletter",
      ref: "x",
      utm_medium: "email",
      utm_campaign: "launch",
      utm_content: "hero",
    });
    expect(destination.hash).toBe("#top");
    const row = await db.link.findUniqueOrThrow({ where: { id: link.id } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(await api.links.get({ id: link.id }))).not.toContain("open sesame");
    expect(cachedLinkSchema.parse(await readCache(link.slug))).toMatchObject({
      url: link.destinationUrl,
      status: 307,
      expiresAt: expiresAt.getTime(),
      expiredUrl: "https://example.com/over",
    });
  });

  it("treats slugs as case-sensitive", async () => {
    const { api } = await signedInCaller();
    await api.links.create({ url: "https://example.com/1", slug: "Docs" });
    await expect(api.links.create({ url: "https://example.com/2", slug: "docs" })).resolves.toMatchObject({ slug: "docs" });
  });

  it.each([
    ["url", { url: "ftp://example.com/file" }, /Only http/],
    ["url", { url: "javascript:alert(1)" }, /Only http/],
    ["url", { url: "example.com" }, /full URL/],
    ["url", { url: `https://example.com/${"a".repeat(2040)}` }, /at most 2048/],
    ["url", { url: "https://hop.example/abc" }, /loop/],
    ["slug", { url: "https://example.com", slug: "has space" }, /letters, digits/],
    ["slug", { url: "https://example.com", slug: "a".repeat(65) }, /at most 64/],
    ["slug", { url: "https://example.com", slug: "api" }, /reserved/],
    ["slug", { url: "https://example.com", slug: "System" }, /reserved/],
    ["slug", { url: "https://example.com", slug: "_next" }, /reserved/],
    ["expiresAt", { url: "https://example.com", expiresAt: new Date(Date.now() - 1000) }, /future/],
    ["expiredUrl", { url: "https://example.com", expiredUrl: "mailto:a@b.c" }, /Only http/],
    ["password", { url: "https://example.com", password: "abc" }, /at least 4/],
    ["tags", { url: "https://example.com", tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, /at most 10/],
  ] as const)("refuses a bad %s with a readable field error and writes nothing", async (field, input, message) => {
    const { api } = await signedInCaller();
    const errors = await fieldErrorsOf(api.links.create(input));
    expect(errors[field]?.[0]).toMatch(message);
    expect(await db.link.count()).toBe(0);
  });

  it("answers a taken slug as a field error, also across users", async () => {
    const alice = await signedInCaller();
    const bob = await signedInCaller();
    await alice.api.links.create({ url: "https://example.com/a", slug: "taken" });
    const errors = await fieldErrorsOf(bob.api.links.create({ url: "https://example.com/b", slug: "taken" }));
    expect(errors.slug?.[0]).toMatch(/already taken/);
    expect(await db.link.count()).toBe(1);
  });

  it("lets exactly one of 50 concurrent creates with the same custom slug succeed; the rest get the field error", async () => {
    const { api } = await signedInCaller();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => api.links.create({ url: `https://example.com/${i}`, slug: "race", tags: ["same-tag"] })),
    );
    const succeeded = outcomes.filter((outcome) => outcome.status === "fulfilled");
    const refused = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason as TRPCError] : []));
    expect(succeeded).toHaveLength(1);
    expect(refused).toHaveLength(49);
    for (const error of refused) {
      expect(error.code, error.message).toBe("BAD_REQUEST");
      expect(error.cause).toBeInstanceOf(FieldError);
    }
    expect(await db.link.count({ where: { slug: "race" } })).toBe(1);
    expect(await db.tag.count()).toBe(1);
  });

  it("rate-limits link creation per user at exactly its limit", async () => {
    const { limit, windowSeconds } = rateLimitRules.linkCreatePerUser;
    const windowOf = () => Math.floor(Date.now() / (windowSeconds * 1000));
    // The sliding window weighs the previous fixed window less as time passes: a run that crosses a window's
    // edge is let through a little more, so such a run is repeated (at most once: a run takes seconds).
    for (let attempt = 1; ; attempt++) {
      const { api, user } = await signedInCaller();
      const startedIn = windowOf();
      for (let i = 0; i < limit; i++) await api.links.create({ url: `https://example.com/${i}` });
      const outcome = await api.links.create({ url: "https://example.com/one-too-many" }).then(
        () => null,
        (error: unknown) => error,
      );
      if (windowOf() !== startedIn && attempt === 1) continue;
      expect(outcome).toBeInstanceOf(TRPCError);
      const error = outcome as TRPCError;
      expect(error.code).toBe("TOO_MANY_REQUESTS");
      expect(error.message).toMatch(/Try again in \d+ s/);
      expect(await db.link.count({ where: { userId: user.id } })).toBe(limit);
      return;
    }
  });

  it("refuses signed-out callers", async () => {
    const api = createCaller(
      createTRPCContext({
        db,
        redis: redis.redis,
        instanceId: "t",
        request: new Request("https://hop.example/api/trpc"),
        responseHeaders: new Headers(),
        sessionConfig: { secrets, ttlSeconds: 60 },
        clientIp: "x",
      }),
    );
    expect((await errorOf(api.links.create({ url: "https://example.com" }))).code).toBe("UNAUTHORIZED");
    expect((await errorOf(api.links.list({}))).code).toBe("UNAUTHORIZED");
  });
});

describe("editing and deleting links", () => {
  it("edits every option, replaces the cache entry at once, and re-queues metadata only when the target changes", async () => {
    const { api } = await signedInCaller();
    const link = await api.links.create({ url: "https://example.com/old", slug: "edit-me", password: "secret-1", tags: ["a", "b"] });
    await db.$executeRawUnsafe("DELETE FROM graphile_worker._private_jobs");

    const titled = await api.links.update({ id: link.id, title: "New title", tags: ["b", "c"], redirectStatus: 301 });
    expect(titled).toMatchObject({ title: "New title", tags: ["b", "c"], redirectStatus: 301, hasPassword: true });
    expect(await db.$queryRaw<unknown[]>`SELECT 1 FROM graphile_worker.jobs`).toHaveLength(0);

    const moved = await api.links.update({ id: link.id, url: "https://example.org/new", slug: "edited", password: null, utm: { source: "x" } });
    expect(moved).toMatchObject({
      url: "https://example.org/new",
      slug: "edited",
      hasPassword: false,
      metadataStatus: "PENDING",
      destinationUrl: "https://example.org/new?utm_source=x",
    });
    expect(await db.$queryRaw<unknown[]>`SELECT 1 FROM graphile_worker.jobs WHERE task_identifier = 'link.fetchMetadata'`).toHaveLength(1);
    expect(await readCache("edit-me")).toBe(missingLinkMarker);
    expect(cachedLinkSchema.parse(await readCache("edited"))).toMatchObject({ url: "https://example.org/new?utm_source=x", status: 301, passwordTag: "" });
    expect(await db.tag.count()).toBe(3);
  });

  it("refuses a taken slug on edit, and another user's link as not found", async () => {
    const alice = await signedInCaller();
    const bob = await signedInCaller();
    await alice.api.links.create({ url: "https://example.com/1", slug: "first" });
    const second = await alice.api.links.create({ url: "https://example.com/2", slug: "second" });
    expect((await fieldErrorsOf(alice.api.links.update({ id: second.id, slug: "first" }))).slug?.[0]).toMatch(/already taken/);
    expect((await errorOf(bob.api.links.update({ id: second.id, title: "mine now" }))).code).toBe("NOT_FOUND");
    expect((await errorOf(bob.api.links.delete({ id: second.id }))).code).toBe("NOT_FOUND");
    expect((await errorOf(bob.api.links.get({ id: second.id }))).code).toBe("NOT_FOUND");
    expect(await db.link.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({ slug: "second", title: null, deletedAt: null });
  });

  it("deletes softly (gone everywhere at once, slug kept reserved) and restores within the undo window", async () => {
    const { api } = await signedInCaller();
    const link = await api.links.create({ url: "https://example.com/x", slug: "short-lived" });
    const deleted = await api.links.delete({ id: link.id });
    expect(deleted.restorableUntil.getTime()).toBeGreaterThan(Date.now());
    expect(await readCache("short-lived")).toBe(missingLinkMarker);
    expect((await errorOf(api.links.get({ id: link.id }))).code).toBe("NOT_FOUND");
    expect((await api.links.list({})).items).toHaveLength(0);
    expect((await fieldErrorsOf(api.links.create({ url: "https://example.com/y", slug: "short-lived" }))).slug).toBeDefined();

    await expect(api.links.restore({ id: link.id })).resolves.toMatchObject({ slug: "short-lived", deletedAt: null });
    expect(cachedLinkSchema.parse(await readCache("short-lived"))).toMatchObject({ id: link.id });

    await api.links.delete({ id: link.id });
    await db.link.update({ where: { id: link.id }, data: { deletedAt: new Date(Date.now() - 11 * 60_000) } });
    expect((await errorOf(api.links.restore({ id: link.id }))).code).toBe("PRECONDITION_FAILED");
  });
});

describe("listing links", () => {
  it("searches slug, url, title and page title, filters by tag, sorts, and pages with a cursor without gaps or repeats", async () => {
    const { api } = await signedInCaller();
    const other = await signedInCaller();
    await other.api.links.create({ url: "https://example.com/not-mine", slug: "not-mine" });
    for (let i = 0; i < 25; i++) {
      await api.links.create({
        url: `https://site${i % 3}.example/page-${i}`,
        slug: `link-${String(i).padStart(2, "0")}`,
        tags: i % 2 === 0 ? ["even"] : ["odd"],
        ...(i === 7 && { title: "The Seventh" }),
      });
    }
    await db.link.updateMany({ where: { slug: { in: ["link-03", "link-11"] } }, data: { totalClicks: 5 } });
    await db.link.updateMany({ where: { slug: "link-20" }, data: { totalClicks: 9 } });

    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof api.links.list>> = await api.links.list({ limit: 10, cursor, sort: "slug" });
      expect(page.total).toBe(25);
      pages.push(page.items.map((item) => item.slug));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages.map((page) => page.length)).toEqual([10, 10, 5]);
    expect(pages.flat()).toEqual(Array.from({ length: 25 }, (_, i) => `link-${String(i).padStart(2, "0")}`));

    expect((await api.links.list({ search: "SEVENTH" })).items.map((item) => item.slug)).toEqual(["link-07"]);
    // The page's own title (stored by the metadata fetch) is found too, and shown beside the owner's.
    await db.link.updateMany({ where: { slug: "link-08" }, data: { pageTitle: "An Eighth Page" } });
    const byPageTitle = await api.links.list({ search: "eighth page" });
    expect(byPageTitle.items.map((item) => [item.slug, item.title, item.pageTitle])).toEqual([["link-08", null, "An Eighth Page"]]);
    expect((await api.links.list({ search: "site1.example", sort: "oldest" })).items.map((item) => item.slug)).toEqual([
      "link-01",
      "link-04",
      "link-07",
      "link-10",
      "link-13",
      "link-16",
      "link-19",
      "link-22",
    ]);
    expect((await api.links.list({ search: "link-1", tag: "odd", sort: "slug" })).items.map((item) => item.slug)).toEqual([
      "link-11",
      "link-13",
      "link-15",
      "link-17",
      "link-19",
    ]);
    expect((await api.links.list({ sort: "most-clicked", limit: 3 })).items.map((item) => [item.slug, item.clicks])).toEqual([
      ["link-20", 9],
      ["link-11", 5],
      ["link-03", 5],
    ]);
    expect((await api.links.list({ sort: "newest", limit: 1 })).items[0]?.slug).toBe("link-24");
    expect(await api.links.tags()).toEqual([
      { name: "even", color: "slate", links: 13 },
      { name: "odd", color: "slate", links: 12 },
    ]);
  });
});

describe("a link's stats", () => {
  const utcDay = (daysAgo: number) => new Date(`${new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10)}T00:00:00.000Z`);

  it("answers every day of the range from the rollups, zero where nobody clicked, bots apart, only for the owner", async () => {
    const { api } = await signedInCaller();
    const other = await signedInCaller();
    const link = await api.links.create({ url: "https://example.com/stats" });
    await db.linkDailyStat.createMany({
      data: [
        { linkId: link.id, day: utcDay(0), clicks: 5, uniqueVisitors: 3, botClicks: 2 },
        { linkId: link.id, day: utcDay(2), clicks: 4, uniqueVisitors: 4, botClicks: 0 },
        { linkId: link.id, day: utcDay(6), clicks: 1, uniqueVisitors: 1, botClicks: 1 },
        // Outside a 7-day range, inside a 30-day one.
        { linkId: link.id, day: utcDay(7), clicks: 10, uniqueVisitors: 8, botClicks: 0 },
      ],
    });
    await db.link.update({ where: { id: link.id }, data: { totalClicks: 20 } });

    const week = await api.links.stats({ id: link.id, days: 7 });
    expect(week.days).toHaveLength(7);
    expect(week.days[0]!.day).toBe(utcDay(6).toISOString().slice(0, 10));
    expect(week.days.at(-1)!.day).toBe(utcDay(0).toISOString().slice(0, 10));
    expect(week.days.map((day) => day.clicks)).toEqual([1, 0, 0, 0, 4, 0, 5]);
    expect(week.days.at(-1)).toMatchObject({ uniqueVisitors: 3, botClicks: 2 });
    expect([week.clicksInRange, week.botClicksInRange, week.link.clicks]).toEqual([10, 3, 20]);

    const month = await api.links.stats({ id: link.id });
    expect(month.days).toHaveLength(30);
    expect(month.clicksInRange).toBe(20);

    // Any range from 1 to 90 days (the page offers 7, 30 and 90; API clients may ask for others).
    expect((await api.links.stats({ id: link.id, days: 12 })).days).toHaveLength(12);
    await expect(api.links.stats({ id: link.id, days: 91 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(api.links.stats({ id: link.id, days: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(other.api.links.stats({ id: link.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("link writes while Redis fails", () => {
  it("refuses a change it could not make visible (503, nothing changed), and a failed edit leaves the old entry served", async () => {
    const { api } = await signedInCaller();
    const link = await api.links.create({ url: "https://example.com/before", slug: "steady" });
    await api.auth.me(); // the session is checked once per request context, before Redis goes away

    await redisServer.stop();
    try {
      for (const attempt of [
        () => api.links.update({ id: link.id, url: "https://example.com/after", password: "secret-pass" }),
        () => api.links.delete({ id: link.id }),
      ]) {
        const error = await errorOf(attempt());
        expect(error.code, error.message).toBe("SERVICE_UNAVAILABLE");
        expect(error.message).toMatch(/Nothing was changed/);
      }
      const create = await errorOf(api.links.create({ url: "https://example.com/new", slug: "fresh" }));
      expect(create.code, create.message).toBe("SERVICE_UNAVAILABLE");
    } finally {
      await redisServer.start();
      await waitFor(
        () =>
          redis.redis.ping().then(
            () => true,
            () => false,
          ),
        Boolean,
        10_000,
      );
    }
    const row = await db.link.findUniqueOrThrow({ where: { id: link.id } });
    expect(row).toMatchObject({ url: "https://example.com/before", passwordHash: null, deletedAt: null });
    expect(await db.link.count({ where: { slug: "fresh" } })).toBe(0);
  });

  it("a taken slug on edit gives the link's own entry back and leaves the other link's slug to it", async () => {
    const { api } = await signedInCaller();
    const mine = await api.links.create({ url: "https://example.com/mine", slug: "mine" });
    const theirs = await api.links.create({ url: "https://example.com/theirs", slug: "theirs" });
    await expect(api.links.update({ id: mine.id, slug: "theirs" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(cachedLinkSchema.parse(await readCache("mine"))).toMatchObject({ id: mine.id, url: "https://example.com/mine" });
    // The other link's entry was never replaced by a hold it could not publish over.
    const other = await readCache("theirs");
    expect(other === null || cachedLinkSchema.parse(other).id === theirs.id).toBe(true);
  });
});
