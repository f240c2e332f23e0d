import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  acknowledgeClicks,
  clickEventToStreamFields,
  ensureClickConsumerGroup,
  ingestClickEvents,
  readClickStreamLag,
  readNewClicks,
  type ClickEvent,
} from "@hop/clicks";
import { createDatabase, type Database } from "@hop/db";
import { createLogger } from "@hop/logger";
import { createRedisClient, redisKeys, type RedisClient } from "@hop/redis";
import { createTestDatabase, startRedisServer, type RedisServer } from "@hop/test-harness";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fetchLinkMetadata, metadataAttempts } from "../src/tasks/fetch-link-metadata";
import { deleteOldClicks, markExpiredLinks, trimClickStream } from "../src/tasks/scheduled";

// Job handlers in-process, on real PostgreSQL and Redis.
let redisServer: RedisServer;
let redis: RedisClient;
let db: Database;
let userId: string;
let server: http.Server;
let base: string;
let countedFetches = 0;

beforeAll(async () => {
  redisServer = await startRedisServer();
  redis = createRedisClient({ REDIS_URL: redisServer.url }, { rawReplies: true });
  db = createDatabase(await createTestDatabase());
  server = http.createServer((request, response) => {
    if (request.url === "/article") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return response.end(
        `<html><head><title>An article</title><meta property="og:description" content="What it is about"><meta property="og:image" content="https://cdn.example/a.png"></head></html>`,
      );
    }
    if (request.url === "/second-article") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return response.end(`<html><head><title>A second article</title></head></html>`);
    }
    if (request.url === "/counted") {
      countedFetches++;
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return response.end(`<html><head><title>Counted</title></head></html>`);
    }
    if (request.url === "/file.pdf") {
      response.writeHead(200, { "content-type": "application/pdf" });
      return response.end("%PDF-1.7");
    }
    response.writeHead(request.url === "/down" ? 503 : 404);
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await db.$disconnect();
  await redis.close();
  await redisServer.dispose();
});
beforeEach(async () => {
  await db.user.deleteMany();
  userId = (await db.user.create({ data: { email: "owner@example.com", passwordHash: "x" } })).id;
});

let slugs = 0;
const createLink = (data: { url?: string; expiresAt?: Date | null; title?: string } = {}) =>
  db.link.create({
    data: { slug: `s${++slugs}`, url: data.url ?? "https://example.com", expiresAt: data.expiresAt ?? null, title: data.title ?? null, userId },
  });

describe("links.markExpired", () => {
  it("marks links whose expiry passed, and unmarks one whose expiry moved into the future", async () => {
    const past = await createLink({ expiresAt: new Date(Date.now() - 60_000) });
    const future = await createLink({ expiresAt: new Date(Date.now() + 3_600_000) });
    const never = await createLink();
    expect(await markExpiredLinks(db)).toEqual({ expired: 1, revived: 0 });
    const expiredAt = async (id: string) => (await db.link.findUniqueOrThrow({ where: { id } })).expiredAt;
    expect(await expiredAt(past.id)).toEqual(past.expiresAt);
    expect(await expiredAt(future.id)).toBeNull();
    expect(await expiredAt(never.id)).toBeNull();
    expect(await markExpiredLinks(db)).toEqual({ expired: 0, revived: 0 });
    await db.link.update({ where: { id: past.id }, data: { expiresAt: new Date(Date.now() + 60_000) } });
    expect(await markExpiredLinks(db)).toEqual({ expired: 0, revived: 1 });
    expect(await expiredAt(past.id)).toBeNull();
  });
});

describe("clicks.deleteOld", () => {
  it("deletes raw clicks (and visitor sets) past the retention, keeping rollups and totals", async () => {
    const link = await createLink();
    const now = new Date("2026-11-25T12:00:00Z");
    const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * 86_400_000);
    const events: ClickEvent[] = [40, 40, 31, 29, 1].map((daysAgo, i) => ({
      eventId: `e${i}`,
      linkId: link.id,
      occurredAt: at(daysAgo),
      referrer: null,
      userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
      country: null,
      visitorHash: `v${i}`,
    }));
    await ingestClickEvents(db, events);
    const rollupsBefore = await db.linkDailyStat.findMany({ orderBy: { day: "asc" } });
    // One account visitor row per visitor and day (its human span beside the whole one).
    expect(await deleteOldClicks(db, 30, now)).toEqual({ clicks: 3, visitorDays: 3, accountVisitorDays: 3 });
    expect(await db.accountDailyUniques.count()).toBe(8);
    expect((await db.click.findMany({ orderBy: { eventId: "asc" } })).map((click) => click.eventId)).toEqual(["e3", "e4"]);
    expect(await db.linkDailyStat.findMany({ orderBy: { day: "asc" } })).toEqual(rollupsBefore);
    expect(rollupsBefore.reduce((sum, row) => sum + row.clicks, 0)).toBe(5);
    expect((await db.link.findUniqueOrThrow({ where: { id: link.id } })).totalClicks).toBe(5n);
    expect(await deleteOldClicks(db, 30, now)).toEqual({ clicks: 0, visitorDays: 0, accountVisitorDays: 0 });
  });
});

describe("clicks.trimStream", () => {
  it("removes acknowledged entries only, never pending or unread ones", async () => {
    const stream = redisKeys.clickStream();
    await redis.redis.del(stream);
    await ensureClickConsumerGroup(redis.redis);
    for (let i = 0; i < 10; i++) {
      await redis.redis.xadd(
        stream,
        "*",
        clickEventToStreamFields({ eventId: `t${i}`, linkId: "l", occurredAt: new Date(), referrer: null, userAgent: null, country: null, visitorHash: "v" }),
      );
    }
    const delivered = await readNewClicks(redis.redis, "worker-a", 6);
    await acknowledgeClicks(redis.redis, delivered.slice(0, 4));
    expect(await trimClickStream(redis.redis)).toEqual({ trimmed: 4, consumersRemoved: 0 });
    expect(await redis.redis.xlen(stream)).toBe(6);
    expect(await readClickStreamLag(redis.redis)).toEqual({ pending: 2, unread: 4 });
    await acknowledgeClicks(redis.redis, delivered.slice(4));
    expect(await trimClickStream(redis.redis)).toEqual({ trimmed: 2, consumersRemoved: 0 });
    expect(await redis.redis.xlen(stream)).toBe(4);
    expect(await readClickStreamLag(redis.redis)).toEqual({ pending: 0, unread: 4 });
    expect(await readNewClicks(redis.redis, "worker-b", 10)).toHaveLength(4);
  });
});

describe("link.fetchMetadata", () => {
  const deps = (allowLoopback = true) => ({ db, fetch: { allowLoopback, timeoutMs: 3_000, maxBytes: 64 * 1024 }, log: createLogger("worker-test", "silent") });
  const first = { attempt: 1, maxAttempts: 25 };
  const read = (id: string) =>
    db.link.findUniqueOrThrow({
      where: { id },
      select: { title: true, pageTitle: true, description: true, imageUrl: true, metadataStatus: true, metadataError: true },
    });

  it("keeps a title the owner typed, and still stores the description and image", async () => {
    const link = await createLink({ url: `${base}/article`, title: "My own words" });
    await fetchLinkMetadata({ linkId: link.id }, deps(), first);
    expect(await read(link.id)).toEqual({
      title: "My own words",
      pageTitle: "An article",
      description: "What it is about",
      imageUrl: "https://cdn.example/a.png",
      metadataStatus: "FETCHED",
      metadataError: null,
    });
  });

  it("a job enqueued for a target the link no longer has fetches nothing: the job of the change fetches the new target, once", async () => {
    const link = await createLink({ url: `${base}/article` });
    // The first job was running (locked, so not replaceable) when the owner changed the target to /counted; the change enqueued a second.
    await db.link.update({ where: { id: link.id }, data: { url: `${base}/counted` } });
    countedFetches = 0;
    await fetchLinkMetadata({ linkId: link.id, url: `${base}/article` }, deps(), first);
    expect(countedFetches).toBe(0);
    await fetchLinkMetadata({ linkId: link.id, url: `${base}/counted` }, deps(), first);
    expect(countedFetches).toBe(1);
    expect(await read(link.id)).toMatchObject({ pageTitle: "Counted", metadataStatus: "FETCHED" });
  });

  it("replaces the page's title when the target changes, and leaves the owner's title alone", async () => {
    const link = await createLink({ url: `${base}/article`, title: "My own words" });
    await fetchLinkMetadata({ linkId: link.id }, deps(), first);
    await db.link.update({ where: { id: link.id }, data: { url: `${base}/second-article`, metadataStatus: "PENDING" } });
    await fetchLinkMetadata({ linkId: link.id }, deps(), first);
    expect(await read(link.id)).toMatchObject({
      title: "My own words",
      pageTitle: "A second article",
      description: null,
      imageUrl: null,
      metadataStatus: "FETCHED",
    });
  });

  it("stores the page's title, description and image", async () => {
    const link = await createLink({ url: `${base}/article` });
    await fetchLinkMetadata({ linkId: link.id }, deps(), first);
    expect(await read(link.id)).toEqual({
      title: null,
      pageTitle: "An article",
      description: "What it is about",
      imageUrl: "https://cdn.example/a.png",
      metadataStatus: "FETCHED",
      metadataError: null,
    });
    const pdf = await createLink({ url: `${base}/file.pdf` });
    await fetchLinkMetadata({ linkId: pdf.id }, deps(), first);
    expect(await read(pdf.id)).toMatchObject({ title: null, pageTitle: null, metadataStatus: "FETCHED" });
  });

  it("ends a refused or missing page as FAILED at once, without a retry", async () => {
    const refused = await createLink({ url: `${base}/article` });
    await fetchLinkMetadata({ linkId: refused.id }, deps(false), first);
    // The owner is told why in plain words; which address the name resolved to stays in the worker's log.
    const shown = await read(refused.id);
    expect(shown).toMatchObject({ metadataStatus: "FAILED", metadataError: "The page's address is not a public one, so Hop does not fetch it" });
    expect(shown.metadataError).not.toMatch(/127\.0\.0\.1|loopback|resolves/);
    const missing = await createLink({ url: `${base}/gone` });
    await fetchLinkMetadata({ linkId: missing.id }, deps(), first);
    expect(await read(missing.id)).toMatchObject({ metadataStatus: "FAILED", metadataError: expect.stringMatching(/HTTP 404/) });
  });

  it("retries a passing failure (throws, shows it on the link) and gives up as FAILED on the last attempt", async () => {
    const link = await createLink({ url: `${base}/down` });
    await expect(fetchLinkMetadata({ linkId: link.id }, deps(), first)).rejects.toThrow(/HTTP 503/);
    expect(await read(link.id)).toMatchObject({ metadataStatus: "PENDING", metadataError: "The page answered HTTP 503 (attempt 1 of 5; retrying)" });
    await fetchLinkMetadata({ linkId: link.id }, deps(), { attempt: metadataAttempts, maxAttempts: 25 });
    expect(await read(link.id)).toMatchObject({ metadataStatus: "FAILED", metadataError: expect.stringMatching(/HTTP 503/) });
  });

  it("does nothing for a deleted link", async () => {
    const link = await createLink({ url: `${base}/article` });
    await db.link.update({ where: { id: link.id }, data: { deletedAt: new Date() } });
    await fetchLinkMetadata({ linkId: link.id }, deps(), first);
    expect(await read(link.id)).toMatchObject({ metadataStatus: "PENDING", pageTitle: null });
    await fetchLinkMetadata({ linkId: "no-such-link" }, deps(), first);
  });
});
