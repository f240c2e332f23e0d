import { createDatabase, type Database } from "@hop/db";
import { createTestDatabase, waitFor } from "@hop/test-harness";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ingestClickEvents, visitorHash, warmUpClickIngestion, type ClickEvent } from "../src";

// Counting clicks exactly once, on real PostgreSQL.
let db: Database;
let links: string[];
const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";
const iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
const googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

beforeAll(async () => {
  db = createDatabase(await createTestDatabase());
});
afterAll(async () => {
  await db.$disconnect();
});
beforeEach(async () => {
  await db.user.deleteMany();
  const user = await db.user.create({ data: { email: "owner@example.com", passwordHash: "x" } });
  links = [];
  for (const slug of ["a", "b", "c"]) links.push((await db.link.create({ data: { slug, url: `https://example.com/${slug}`, userId: user.id } })).id);
});

let sequence = 0;
function click(overrides: Partial<ClickEvent> = {}): ClickEvent {
  sequence++;
  return {
    eventId: `evt-${sequence}`,
    linkId: links[0]!,
    occurredAt: new Date("2026-11-24T10:00:00Z"),
    referrer: "https://www.news.example/story?id=1",
    userAgent: firefox,
    country: "NL",
    visitorHash: `visitor-${sequence}`,
    ...overrides,
  };
}

const stats = (linkId: string) =>
  db.linkDailyStat.findMany({ where: { linkId }, orderBy: { day: "asc" }, select: { day: true, clicks: true, uniqueVisitors: true, botClicks: true } });

describe("ingestClickEvents", () => {
  it("stores enriched rows and counts a batch with duplicates once; a replay changes nothing", async () => {
    const first = click({ visitorHash: "v1" });
    const second = click({ visitorHash: "v1", userAgent: iphone, referrer: null });
    const result = await ingestClickEvents(db, [first, second, first, { ...second }]);
    expect(result).toEqual({ inserted: 2, duplicates: 2, orphaned: 0 });
    expect(await ingestClickEvents(db, [first, second])).toEqual({ inserted: 0, duplicates: 2, orphaned: 0 });

    expect(await stats(links[0]!)).toEqual([{ day: new Date("2026-11-24"), clicks: 2, uniqueVisitors: 1, botClicks: 0 }]);
    expect((await db.link.findUniqueOrThrow({ where: { id: links[0]! } })).totalClicks).toBe(2n);
    const rows = await db.click.findMany({ orderBy: { eventId: "asc" } });
    expect(
      rows.map((row) => ({ referrerHost: row.referrerHost, device: row.device, browser: row.browser, os: row.os, isBot: row.isBot, country: row.country })),
    ).toEqual([
      { referrerHost: "www.news.example", device: "desktop", browser: "Firefox", os: "Linux", isBot: false, country: "NL" },
      { referrerHost: null, device: "mobile", browser: "Mobile Safari", os: "iOS", isBot: false, country: "NL" },
    ]);
    expect(rows[0]!.occurredAt.toISOString()).toBe("2026-11-24T10:00:00.000Z");
  });

  it("flags bots and keeps them out of clicks, unique visitors and the link's total", async () => {
    await ingestClickEvents(db, [click({ userAgent: googlebot }), click({ userAgent: null }), click({ userAgent: firefox })]);
    expect(await db.click.count({ where: { isBot: true } })).toBe(2);
    expect(await stats(links[0]!)).toEqual([{ day: new Date("2026-11-24"), clicks: 1, uniqueVisitors: 1, botClicks: 2 }]);
    expect((await db.link.findUniqueOrThrow({ where: { id: links[0]! } })).totalClicks).toBe(1n);
  });

  it("counts unique visitors per link and UTC day across batches", async () => {
    const lateEvening = new Date("2026-11-24T23:59:59.999Z");
    const nextMorning = new Date("2026-11-25T00:00:00.000Z");
    await ingestClickEvents(db, [click({ visitorHash: "x", occurredAt: lateEvening }), click({ visitorHash: "y", occurredAt: lateEvening })]);
    await ingestClickEvents(db, [
      click({ visitorHash: "x", occurredAt: lateEvening }),
      click({ visitorHash: "x", occurredAt: nextMorning }),
      click({ visitorHash: "x", linkId: links[1]! }),
    ]);
    expect(await stats(links[0]!)).toEqual([
      { day: new Date("2026-11-24"), clicks: 3, uniqueVisitors: 2, botClicks: 0 },
      { day: new Date("2026-11-25"), clicks: 1, uniqueVisitors: 1, botClicks: 0 },
    ]);
    expect(await stats(links[1]!)).toEqual([{ day: new Date("2026-11-24"), clicks: 1, uniqueVisitors: 1, botClicks: 0 }]);
  });

  it("hashes the visitor of a click that comes without a hash (the redirect's) for the click's own day, not the ingestion's", async () => {
    const secret = "ingest-test-visitor-hash-secret-0123456789";
    const monday = new Date("2026-11-23T23:59:59.000Z");
    const tuesday = new Date("2026-11-24T08:00:00.000Z");
    const visitor = { ip: "203.0.113.7", userAgent: firefox, visitorHash: null };
    await ingestClickEvents(db, [click({ ...visitor, occurredAt: monday }), click({ ...visitor, occurredAt: tuesday }), click({ visitorHash: "kept" })], {
      visitorHashSecret: secret,
    });
    const rows = await db.click.findMany({ orderBy: { occurredAt: "asc" }, select: { occurredAt: true, visitorHash: true } });
    expect(rows.map((row) => row.visitorHash)).toEqual([
      visitorHash(secret, "203.0.113.7", firefox, monday),
      visitorHash(secret, "203.0.113.7", firefox, tuesday),
      "kept",
    ]);
    // Daily rotation: the same visitor hashes differently on the two days.
    expect(rows[0]!.visitorHash).not.toBe(rows[1]!.visitorHash);
    expect(await stats(links[0]!)).toEqual([
      { day: new Date("2026-11-23"), clicks: 1, uniqueVisitors: 1, botClicks: 0 },
      { day: new Date("2026-11-24"), clicks: 2, uniqueVisitors: 2, botClicks: 0 },
    ]);
  });

  it("refuses a click without a visitor hash when no secret was given, and commits nothing of the batch", async () => {
    await expect(ingestClickEvents(db, [click(), click({ visitorHash: null })])).rejects.toThrow(/no visitor hash and no VISITOR_HASH_SECRET/);
    expect(await db.click.count()).toBe(0);
  });

  it("commits nothing when the batch fails half-way, and counts it once on retry", async () => {
    const batch = [click({ linkId: links[0]! }), click({ linkId: links[1]! }), click({ linkId: links[2]! })];
    // Make the rollup write (after the Click inserts) fail for one link.
    await db.$executeRawUnsafe(`
      CREATE FUNCTION fail_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW."linkId" = '${links[2]!}' THEN RAISE EXCEPTION 'forced failure'; END IF; RETURN NEW; END $$`);
    await db.$executeRawUnsafe(`CREATE TRIGGER fail_rollup BEFORE INSERT ON "LinkDailyStat" FOR EACH ROW EXECUTE FUNCTION fail_rollup()`);
    try {
      await expect(ingestClickEvents(db, batch)).rejects.toThrow(/forced failure/);
      expect(await db.click.count()).toBe(0);
      expect(await db.linkDailyStat.count()).toBe(0);
      expect(await db.linkDailyVisitor.count()).toBe(0);
      expect((await db.link.aggregate({ _sum: { totalClicks: true } }))._sum.totalClicks).toBe(0n);
    } finally {
      await db.$executeRawUnsafe(`DROP TRIGGER fail_rollup ON "LinkDailyStat"`);
      await db.$executeRawUnsafe(`DROP FUNCTION fail_rollup`);
    }
    expect(await ingestClickEvents(db, batch)).toEqual({ inserted: 3, duplicates: 0, orphaned: 0 });
    expect(await db.linkDailyStat.aggregate({ _sum: { clicks: true } })).toEqual({ _sum: { clicks: 3 } });
  });

  it("stores values with quotes, backslashes, commas, braces and NULL-like words exactly (the batch travels as array literals)", async () => {
    const odd = "Mozilla/5.0 \"quoted\" \\back\\slash, {braced} NULL; 'single' (compatible; x)";
    const event = click({ userAgent: odd, referrer: 'https://odd.example/?q="a\\b"', visitorHash: 'v"1\\,{NULL}' });
    expect(await ingestClickEvents(db, [event])).toEqual({ inserted: 1, duplicates: 0, orphaned: 0 });
    const row = await db.click.findUniqueOrThrow({ where: { eventId: event.eventId } });
    expect([row.userAgent, row.referrerHost, row.visitorHash]).toEqual([odd, "odd.example", 'v"1\\,{NULL}']);
    expect((await db.linkDailyVisitor.findFirstOrThrow()).visitorHash).toBe('v"1\\,{NULL}');
    expect((await db.accountDailyVisitor.findMany({ select: { visitorHash: true } })).map((v) => v.visitorHash)).toEqual(['v"1\\,{NULL}']);
  });

  it("skips events of links deleted for good instead of failing the batch", async () => {
    const gone = links[2]!;
    await db.link.delete({ where: { id: gone } });
    expect(await ingestClickEvents(db, [click({ linkId: gone }), click()])).toEqual({ inserted: 1, duplicates: 0, orphaned: 1 });
  });

  it("counts the rest of a batch whose link is deleted while the batch is being written (after its links were read)", async () => {
    const gone = links[2]!;
    const batch = [click({ linkId: gone }), click(), click({ linkId: links[1]! })];
    let ingesting: Promise<unknown> | undefined;
    // The deletion holds the link's row until it commits: the batch read the link before, and its Click insert waits for
    // the row and then finds it gone (a foreign key violation), so the batch must take the careful path, not fail.
    await db.$transaction(async (tx) => {
      await tx.link.delete({ where: { id: gone } });
      ingesting = ingestClickEvents(db, batch);
      await waitFor(
        () => db.$queryRaw<{ waiting: bigint }[]>`
          SELECT count(*) AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO "Click"%'`,
        (rows) => Number(rows[0]?.waiting ?? 0) > 0,
        10_000,
        20,
      );
    });
    expect(await ingesting).toEqual({ inserted: 2, duplicates: 0, orphaned: 1 });
    expect(await db.click.count()).toBe(2);
    expect((await db.linkDailyStat.aggregate({ _sum: { clicks: true } }))._sum.clicks).toBe(2);
    expect((await db.accountClickBucket.aggregate({ _sum: { clicks: true } }))._sum.clicks).toBe(2);
  });

  it("keeps rollups equal to a recount of the raw rows, over many concurrent batches", async () => {
    const agents = [firefox, iphone, googlebot];
    const events = Array.from({ length: 3_000 }, (_, i) =>
      click({
        linkId: links[i % 3]!,
        occurredAt: new Date(Date.UTC(2026, 10, 20 + (i % 4), i % 24)),
        userAgent: agents[i % 7 === 0 ? 2 : i % 2]!,
        visitorHash: `v${i % 97}`,
      }),
    );
    // Overlapping batches from "two workers", with replays.
    const batches = Array.from({ length: 12 }, (_, i) => events.slice(i * 250, i * 250 + 400));
    await Promise.all(batches.map((batch) => ingestClickEvents(db, batch)));

    const recount = await db.$queryRaw<{ linkId: string; day: Date; clicks: bigint; bots: bigint; uniques: bigint }[]>`
      SELECT "linkId", "occurredAt"::date AS day,
        count(*) FILTER (WHERE NOT "isBot") AS clicks, count(*) FILTER (WHERE "isBot") AS bots,
        count(DISTINCT "visitorHash") FILTER (WHERE NOT "isBot") AS uniques
      FROM "Click" GROUP BY 1, 2 ORDER BY 1, 2`;
    const rollups = await db.linkDailyStat.findMany({ orderBy: [{ linkId: "asc" }, { day: "asc" }] });
    expect(await db.click.count()).toBe(3_000);
    expect(rollups.map((r) => [r.linkId, r.day.toISOString(), r.clicks, r.botClicks, r.uniqueVisitors])).toEqual(
      recount.map((r) => [r.linkId, r.day.toISOString(), Number(r.clicks), Number(r.bots), Number(r.uniques)]),
    );
    const totals = await db.link.findMany({ select: { id: true, totalClicks: true } });
    for (const link of totals) {
      expect(Number(link.totalClicks)).toBe(recount.filter((r) => r.linkId === link.id).reduce((sum, r) => sum + Number(r.clicks), 0));
    }
    // The account's visitors: a row per visitor and day with its spans of all and of human clicks, and the daily
    // counts of each kind. Visitors here have bot and human clicks under one hash, in batches that overlap, so some
    // become human in a later batch than the one that first stored them, with another batch writing at the same time.
    const visitorMismatches = await db.$queryRaw<{ count: bigint }[]>`
      SELECT count(*) FROM (
        SELECT l."userId", c."occurredAt"::date AS day, c."visitorHash", min(c."occurredAt") AS first_at, max(c."occurredAt") AS last_at,
          min(c."occurredAt") FILTER (WHERE NOT c."isBot") AS human_first_at, max(c."occurredAt") FILTER (WHERE NOT c."isBot") AS human_last_at
        FROM "Click" c JOIN "Link" l ON l.id = c."linkId" GROUP BY 1, 2, 3
      ) raw FULL JOIN "AccountDailyVisitor" v USING ("userId", day, "visitorHash")
      WHERE (raw.first_at, raw.last_at, raw.human_first_at, raw.human_last_at) IS DISTINCT FROM (v."firstAt", v."lastAt", v."humanFirstAt", v."humanLastAt")`;
    expect(Number(visitorMismatches[0]?.count)).toBe(0);
    const uniques = await db.$queryRaw<{ kind: string; day: Date; raw: bigint | null; rolled: number | null }[]>`
      SELECT kind, day, raw.visitors AS raw, u.visitors AS rolled FROM (
        SELECT l."userId", c."occurredAt"::date AS day, k.kind, count(DISTINCT c."visitorHash") AS visitors
        FROM "Click" c JOIN "Link" l ON l.id = c."linkId" CROSS JOIN (VALUES ('all'), ('human')) AS k(kind)
        WHERE k.kind = 'all' OR NOT c."isBot" GROUP BY 1, 2, 3
      ) raw FULL JOIN "AccountDailyUniques" u USING ("userId", day, kind) ORDER BY 1, 2`;
    expect(uniques.length).toBe(8);
    for (const row of uniques) expect([row.kind, row.day, Number(row.rolled)]).toEqual([row.kind, row.day, Number(row.raw)]);
  });

  it("counts a visitor whose first clicks of the day were a bot's as human once a human click of it arrives", async () => {
    const visitorHash = "v-bot-then-human";
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 12, minute));
    await ingestClickEvents(db, [click({ visitorHash, userAgent: googlebot, occurredAt: at(0) })]);
    await ingestClickEvents(db, [click({ visitorHash, userAgent: firefox, occurredAt: at(5) })]);
    await ingestClickEvents(db, [
      click({ visitorHash, userAgent: firefox, occurredAt: at(9) }),
      click({ visitorHash, userAgent: googlebot, occurredAt: at(10) }),
    ]);
    const counts = await db.accountDailyUniques.findMany({ select: { kind: true, visitors: true }, orderBy: { kind: "asc" } });
    expect(counts).toEqual([
      { kind: "all", visitors: 1 },
      { kind: "human", visitors: 1 },
    ]);
    const row = await db.accountDailyVisitor.findFirstOrThrow({ select: { firstAt: true, lastAt: true, humanFirstAt: true, humanLastAt: true } });
    expect(row).toEqual({ firstAt: at(0), lastAt: at(10), humanFirstAt: at(5), humanLastAt: at(9) });
  });

  it("is warmed up at start without writing anything", async () => {
    await warmUpClickIngestion(db, { visitorHashSecret: "ingest-test-visitor-hash-secret-0123456789" });
    const [clicks, dailyStats, dailyVisitors, accountBuckets, totals] = await Promise.all([
      db.click.count(),
      db.linkDailyStat.count(),
      db.linkDailyVisitor.count(),
      db.accountClickBucket.count(),
      db.link.aggregate({ _sum: { totalClicks: true } }),
    ]);
    expect({ clicks, dailyStats, dailyVisitors, accountBuckets, totalClicks: Number(totals._sum.totalClicks) }).toEqual({
      clicks: 0,
      dailyStats: 0,
      dailyVisitors: 0,
      accountBuckets: 0,
      totalClicks: 0,
    });
  });
});
