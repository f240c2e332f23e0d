import { compactClosedDays, compactOpenDay, filterPairDimensions, ingestClickEvents, type ClickEvent } from "@hop/clicks";
import { createDatabase, type Database } from "@hop/db";
import { createRedisClient, type RedisClient } from "@hop/redis";
import { CleanupStack, createTestDatabase, startRedisServer } from "@hop/test-harness";
import type { AnalyticsDimension, AnalyticsFilter } from "@hop/validators";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outcomeOf, signedInCaller } from "./support/procedures";

// Issue 13, "how it is proven": what the analytics procedures answer from
// the 15-minute rollups equals a recount of the raw Click rows, done here in
// JavaScript (local times by Intl, not by PostgreSQL), for any filter set,
// bot toggle, dimension and time zone: :30 and :45 zones and DST zones
// included, over days that hold DST changes.
const cleanup = new CleanupStack();
let db: Database;
let redis: RedisClient;
let owner: { userId: string; caller: Awaited<ReturnType<typeof signedInCaller>>["caller"] };
let intruderLinkId: string;
let ownLinkIds: string[];

const agents = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0",
  "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
];
const referrers = [null, "https://t.co/abc", "https://news.example.com/item", "https://www.google.com/"];
const countries = ["DE", "US", "IN", "NP", null];
// 2026-03-26 to 2026-04-06: Europe's spring change (03-29) and Adelaide's autumn one (04-05) inside.
const seedFrom = Date.UTC(2026, 2, 26);
const seedTo = Date.UTC(2026, 3, 6);
const sparseDay = Date.UTC(2026, 2, 25);
const timezones = ["UTC", "Asia/Kolkata", "Asia/Kathmandu", "Europe/Berlin", "America/New_York", "Australia/Adelaide", "Pacific/Chatham"];

interface RawRow {
  linkId: string;
  tags: string[];
  occurredAt: Date;
  visitorHash: string;
  isBot: boolean;
  values: Record<Exclude<AnalyticsDimension, "tag" | "link">, string>;
}
let raw: RawRow[];

beforeAll(async () => {
  const redisServer = await startRedisServer();
  cleanup.defer(() => redisServer.dispose());
  redis = createRedisClient({ REDIS_URL: redisServer.url });
  cleanup.defer(() => redis.close());
  db = createDatabase(await createTestDatabase());
  cleanup.defer(() => db.$disconnect());

  const user = await db.user.create({ data: { email: "analytics-owner@example.com", passwordHash: "unused" } });
  owner = { userId: user.id, caller: (await signedInCaller({ db, redis: redis.redis }, user.id)).caller };
  const links = [
    await owner.caller.links.create({ url: "https://example.com/a", slug: "an-a", tags: ["red"] }),
    await owner.caller.links.create({ url: "https://example.com/b?utm_source=partner", slug: "an-b", tags: ["red", "blue"] }),
    await owner.caller.links.create({ url: "https://example.com/c", slug: "an-c", utm: { source: "newsletter", medium: "email", campaign: "spring" } }),
  ];
  ownLinkIds = links.map((link) => link.id);
  const intruder = await db.user.create({ data: { email: "analytics-intruder@example.com", passwordHash: "unused" } });
  const intruderCaller = (await signedInCaller({ db, redis: redis.redis }, intruder.id)).caller;
  intruderLinkId = (await intruderCaller.links.create({ url: "https://example.com/theirs", slug: "an-theirs", tags: ["red"] })).id;

  // Random but reproducible clicks, through the real ingestion (and so the real rollups), in batches.
  const random = fc.sample(
    fc.record({
      link: fc.integer({ min: 0, max: 3 }),
      at: fc.integer({ min: seedFrom, max: seedTo - 1 }),
      agent: fc.integer({ min: 0, max: agents.length - 1 }),
      referrer: fc.integer({ min: 0, max: referrers.length - 1 }),
      country: fc.integer({ min: 0, max: countries.length - 1 }),
      visitor: fc.integer({ min: 0, max: 60 }),
      qr: fc.boolean(),
    }),
    { numRuns: 600, seed: 13 },
  );
  const events: ClickEvent[] = random.map((pick, index) => ({
    eventId: `analytics-${index}`,
    linkId: pick.link === 3 ? intruderLinkId : (ownLinkIds[pick.link] as string),
    occurredAt: new Date(pick.at),
    referrer: referrers[pick.referrer] ?? null,
    userAgent: agents[pick.agent] ?? null,
    country: countries[pick.country] ?? null,
    visitorHash: `visitor-${pick.visitor}-${new Date(pick.at).toISOString().slice(0, 10)}`,
    ip: null,
    trigger: pick.qr ? "qr" : "link",
  }));
  for (let offset = 0; offset < events.length; offset += 100) await ingestClickEvents(db, events.slice(offset, offset + 100));
  // A deleted link's clicks vanish from every answer: the per-account rollups hold them, the answers subtract them.
  const gone = await owner.caller.links.create({ url: "https://example.com/gone", slug: "an-gone", tags: ["red"] });
  await ingestClickEvents(
    db,
    // Within the first six hours only, so periods after them are answered from the account's rows alone.
    events.slice(0, 80).map((event, index) => ({
      ...event,
      eventId: `analytics-gone-${index}`,
      linkId: gone.id,
      occurredAt: new Date(seedFrom + index * 270_000),
      visitorHash: `visitor-gone-${index % 7}-${new Date(seedFrom).toISOString().slice(0, 10)}`,
    })),
  );
  await owner.caller.links.delete({ id: gone.id });

  // The compacted tiers (the worker's analytics.compact job) hold 03-26 to 04-01 and, as the open day so far, 04-02
  // before 12:45; the rest is the open tail. Late clicks then reopen two compacted days: 03-28 is compacted again,
  // 03-30 stays reopened (read from the finer rows until the next run), so every kind of day and their boundaries
  // are in the answers below.
  const dayMs = 86_400_000;
  expect(await compactClosedDays(db, { now: new Date(Date.UTC(2026, 3, 2, 1)), retentionDays: 3650 })).toMatchObject({ days: 7 });
  expect(await compactOpenDay(db, { now: new Date(Date.UTC(2026, 3, 2, 13, 7)) })).toMatchObject({ days: 1 });
  const late = (day: number, count: number, prefix: string) =>
    events.slice(100, 100 + count).map((event, index) => ({
      ...event,
      eventId: `${prefix}-${index}`,
      occurredAt: new Date(Date.UTC(2026, 2, day) + ((index * 7_919_000) % dayMs)),
      visitorHash: `visitor-${index % 9}-2026-03-${day}`,
    }));
  await ingestClickEvents(db, [...late(28, 12, "analytics-late-28"), ...late(30, 12, "analytics-late-30")]);
  expect(await compactClosedDays(db, { now: new Date(Date.UTC(2026, 2, 29, 1)), retentionDays: 3650 })).toMatchObject({ days: 1 });
  // A sparse day before the others (03-25, clicks from 09:00 to 14:00 UTC only, a bot among them): a period's edge on
  // it may hold all of the day's clicks or part of them, which the account-wide view reads from different rows.
  await ingestClickEvents(
    db,
    events.slice(200, 212).map((event, index) => ({
      ...event,
      eventId: `analytics-sparse-${index}`,
      linkId: ownLinkIds[index % ownLinkIds.length] as string,
      occurredAt: new Date(sparseDay + 9 * 3_600_000 + index * 1_500_000),
      visitorHash: `visitor-${index % 5}-2026-03-25`,
    })),
  );

  raw = await loadRaw();
}, 120_000);
afterAll(() => cleanup.run());

/** The owner's clicks of live links, as the recounts below read them. */
async function loadRaw(): Promise<RawRow[]> {
  const rows = await db.click.findMany({ include: { link: { include: { tags: { include: { tag: true } } } } } });
  return rows
    .filter((row) => row.link.userId === owner.userId && row.link.deletedAt === null)
    .map((row) => ({
      linkId: row.linkId,
      tags: row.link.tags.map((linkTag) => linkTag.tag.name),
      occurredAt: row.occurredAt,
      visitorHash: row.visitorHash,
      isBot: row.isBot,
      values: {
        country: row.country ?? "",
        region: row.region ?? "",
        city: row.city ?? "",
        device: row.device ?? "",
        browser: row.browser ?? "",
        os: row.os ?? "",
        referrer: row.referrerHost ?? "direct",
        utmSource: row.utmSource ?? "",
        utmMedium: row.utmMedium ?? "",
        utmCampaign: row.utmCampaign ?? "",
        trigger: row.trigger,
      },
    }));
}

/** The values a row has for a dimension (a link has several tags). */
function valuesOf(row: RawRow, dimension: AnalyticsDimension): string[] {
  if (dimension === "tag") return row.tags;
  if (dimension === "link") return [row.linkId];
  return [row.values[dimension]];
}

function matches(row: RawRow, filters: AnalyticsFilter[], includeBots: boolean): boolean {
  if (!includeBots && row.isBot) return false;
  const groups = new Map<string, Set<string>>();
  for (const filter of filters) {
    const key = `${filter.dimension}|${filter.op}`;
    groups.set(key, (groups.get(key) ?? new Set()).add(filter.value));
  }
  return [...groups].every(([key, set]) => {
    const [dimension, op] = key.split("|") as [AnalyticsDimension, AnalyticsFilter["op"]];
    const hit = valuesOf(row, dimension).some((value) => set.has(value));
    return op === "is" ? hit : !hit;
  });
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();
/** The wall clock of an instant in a zone, by Intl: "2026-03-29T03:00:00" truncated to the unit. */
function localLabel(date: Date, timezone: string, unit: "hour" | "day" | "month"): string {
  let format = clockFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone: timezone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    clockFormats.set(timezone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(date).map((part) => [part.type, part.value]));
  const day = unit === "month" ? "01" : parts.day;
  const hour = unit === "hour" ? parts.hour : "00";
  return `${parts.year}-${parts.month}-${day}T${hour}:00:00`;
}

const knownValues: Record<AnalyticsDimension, () => string[]> = {
  link: () => ownLinkIds,
  tag: () => ["red", "blue", "none-such"],
  country: () => ["DE", "US", "IN", "NP", ""],
  region: () => [""],
  city: () => [""],
  device: () => ["desktop", "mobile", "tablet"],
  browser: () => ["Chrome", "Mobile Safari", "Firefox", ""],
  os: () => ["Windows", "iOS", "Linux", ""],
  referrer: () => ["direct", "t.co", "news.example.com", "www.google.com"],
  utmSource: () => ["partner", "newsletter", ""],
  utmMedium: () => ["email", ""],
  utmCampaign: () => ["spring", ""],
  trigger: () => ["qr", "link"],
};
const dimensions = Object.keys(knownValues) as AnalyticsDimension[];

const filterArbitrary = fc
  .record({ dimension: fc.constantFrom(...dimensions), op: fc.constantFrom("is" as const, "isNot" as const), pick: fc.nat() })
  .map(({ dimension, op, pick }) => {
    const values = knownValues[dimension]();
    return { dimension, op, value: values[pick % values.length] as string };
  });

/** Totals, series and top of one query, each checked against a recount of the raw clicks. */
async function expectRecount(
  filters: AnalyticsFilter[],
  includeBots: boolean,
  dimension: AnalyticsDimension,
  timezone: string,
  fromMs: number,
  lengthMs: number,
): Promise<void> {
  const query = { period: { from: new Date(fromMs), to: new Date(fromMs + lengthMs) }, timezone, filters, includeBots };
  const [totals, series, top] = await Promise.all([
    owner.caller.analytics.totals(query),
    owner.caller.analytics.timeseries(query),
    owner.caller.analytics.top({ ...query, dimension, limit: 100 }),
  ]);
  const { from, to, granularity } = totals.period;
  // The period covers the asked range, from and to on whole local hours or days (checked by Intl).
  expect(from.getTime()).toBeLessThanOrEqual(fromMs);
  expect(to.getTime()).toBeGreaterThanOrEqual(fromMs + lengthMs);
  const alignment = granularity === "hour" ? "hour" : "day";
  expect(localLabel(from, timezone, alignment)).toBe(totals.period.localFrom);
  expect(localLabel(to, timezone, alignment)).toBe(totals.period.localTo);

  const inPeriod = raw.filter((row) => row.occurredAt >= from && row.occurredAt < to && matches(row, filters, includeBots));
  expect(totals.clicks).toBe(inPeriod.length);
  expect(totals.uniqueVisitors).toBe(new Set(inPeriod.map((row) => row.visitorHash)).size);

  const expectedSeries = new Map<string, number>();
  for (const row of inPeriod) {
    const label = localLabel(row.occurredAt, timezone, series.granularity);
    expectedSeries.set(label, (expectedSeries.get(label) ?? 0) + 1);
  }
  expect(new Map(series.points.filter((point) => point.clicks > 0).map((point) => [point.local, point.clicks]))).toEqual(expectedSeries);
  const locals = series.points.map((point) => point.local);
  expect([...locals].sort()).toEqual(locals);
  expect(new Set(locals).size).toBe(locals.length);

  const expectedTop = new Map<string, number>();
  for (const row of inPeriod) for (const value of valuesOf(row, dimension)) expectedTop.set(value, (expectedTop.get(value) ?? 0) + 1);
  expect(new Map(top.rows.map((row) => [row.value, row.clicks]))).toEqual(expectedTop);
  const counts = top.rows.map((row) => row.clicks);
  expect([...counts].sort((a, b) => b - a)).toEqual(counts);
}

describe("rollup answers equal a recount of the raw clicks", () => {
  it("for any filters (0 to 3), bot toggle, dimension, time zone and custom range", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(filterArbitrary, { maxLength: 3 }),
        fc.boolean(),
        fc.constantFrom(...dimensions),
        fc.constantFrom(...timezones),
        fc.integer({ min: seedFrom - 86_400_000, max: seedTo }),
        fc.integer({ min: 3_600_000, max: 9 * 86_400_000 }),
        expectRecount,
      ),
      { numRuns: 60, seed: Number(process.env.FUZZ_SEED ?? 1313) },
    );
  }, 300_000);

  // The compacted tiers answer one dimension's "is" (one value or several): compacted, reopened and open days,
  // the viewer's partial days inside compacted ones, a deleted link's clicks inside a compacted day.
  it("for one dimension's 'is' filter, over compacted, reopened and open days", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...dimensions.filter((dimension) => dimension !== "tag"))
          .chain((filtered) => fc.tuple(fc.constant(filtered), fc.uniqueArray(fc.constantFrom(...knownValues[filtered]()), { minLength: 1, maxLength: 2 }))),
        fc.boolean(),
        fc.constantFrom(...dimensions),
        fc.constantFrom(...timezones),
        fc.integer({ min: seedFrom - 86_400_000, max: seedTo }),
        fc.integer({ min: 3_600_000, max: 9 * 86_400_000 }),
        ([filtered, values], includeBots, dimension, timezone, fromMs, lengthMs) =>
          expectRecount(
            values.map((value) => ({ dimension: filtered, op: "is" as const, value })),
            includeBots,
            dimension,
            timezone,
            fromMs,
            lengthMs,
          ),
      ),
      { numRuns: 60, seed: Number(process.env.FUZZ_SEED ?? 1313) },
    );
  }, 300_000);

  // Two dimensions of filterPairDimensions with "is" (one value or several each) read the pair tiers (AccountPairValueDay,
  // AccountTripleDay, links and so tags included) on compacted days; cards they do not hold (region, city) the raw clicks.
  it("for 'is' filters on two low-cardinality dimensions, over compacted, reopened and open days", async () => {
    const pairable = dimensions.filter((dimension) => (filterPairDimensions as readonly string[]).includes(dimension));
    const filterOf = (filtered: AnalyticsDimension) =>
      fc
        .uniqueArray(fc.constantFrom(...knownValues[filtered]()), { minLength: 1, maxLength: 2 })
        .map((values) => values.map((value) => ({ dimension: filtered, op: "is" as const, value })));
    await fc.assert(
      fc.asyncProperty(
        fc
          .uniqueArray(fc.constantFrom(...pairable), { minLength: 2, maxLength: 2 })
          .chain(([a, b]) => fc.tuple(filterOf(a as AnalyticsDimension), filterOf(b as AnalyticsDimension))),
        fc.boolean(),
        fc.constantFrom(...dimensions),
        fc.constantFrom(...timezones),
        fc.integer({ min: seedFrom - 86_400_000, max: seedTo }),
        fc.integer({ min: 3_600_000, max: 9 * 86_400_000 }),
        ([first, second], includeBots, dimension, timezone, fromMs, lengthMs) =>
          expectRecount([...first, ...second], includeBots, dimension, timezone, fromMs, lengthMs),
      ),
      { numRuns: 80, seed: Number(process.env.FUZZ_SEED ?? 1313) },
    );
  }, 300_000);

  // Without filters the per-account rollups answer: whole UTC days from the daily rows, a partial edge day from the day's
  // own rows when it holds all of the day's clicks, from the compacted value rows' quarter hours on a compacted day,
  // else from the quarter-hour rows; the sparse, compacted, reopened and open days all fall on edges here.
  it("without filters, for edges on sparse, compacted, reopened and open days", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.constantFrom(...dimensions),
        fc.constantFrom(...timezones),
        // Periods of up to four days, so that both edges fall on days with clicks (and hourly ones place them anywhere in a day).
        fc.integer({ min: sparseDay - 86_400_000, max: seedTo - 86_400_000 }),
        fc.integer({ min: 3_600_000, max: 4 * 86_400_000 }),
        (includeBots, dimension, timezone, fromMs, lengthMs) => expectRecount([], includeBots, dimension, timezone, fromMs, lengthMs),
      ),
      { numRuns: 200, seed: Number(process.env.FUZZ_SEED ?? 1313) },
    );
  }, 300_000);

  // The open day's compacted part (04-02 before 12:45) is read only while no click reached it since: a late one sends
  // it back to the raw clicks until the next run compacts it again.
  it("a late click on the open day's compacted part is counted at once, and after the next run", async () => {
    const ownFilters: AnalyticsFilter[] = [{ dimension: "country", op: "is", value: "DE" }];
    const period = { fromMs: Date.UTC(2026, 3, 1, 18, 15), lengthMs: 30 * 3_600_000 };
    await expectRecount(ownFilters, false, "link", "Asia/Kathmandu", period.fromMs, period.lengthMs);
    await ingestClickEvents(db, [
      {
        eventId: "analytics-open-day-late",
        linkId: ownLinkIds[0] as string,
        occurredAt: new Date(Date.UTC(2026, 3, 2, 3, 30)),
        referrer: null,
        userAgent: agents[0] ?? null,
        country: "DE",
        visitorHash: "visitor-open-day-late-2026-04-02",
        ip: null,
        trigger: "link",
      },
    ]);
    raw = await loadRaw();
    await expectRecount(ownFilters, false, "link", "Asia/Kathmandu", period.fromMs, period.lengthMs);
    await expectRecount(ownFilters, false, "device", "UTC", period.fromMs, period.lengthMs);
    expect(await compactOpenDay(db, { now: new Date(Date.UTC(2026, 3, 2, 13, 7)) })).toMatchObject({ days: 1, accountDays: 1 });
    await expectRecount(ownFilters, false, "link", "Asia/Kathmandu", period.fromMs, period.lengthMs);
  });

  it("lists the raw clicks of a filtered period page by page, each once", async () => {
    const query = { period: { from: new Date(seedFrom), to: new Date(seedTo) }, timezone: "Asia/Kathmandu", filters: [], includeBots: true };
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof owner.caller.analytics.clicks>> = await owner.caller.analytics.clicks({ ...query, cursor, limit: 97 });
      seen.push(...page.clicks.map((click) => click.id));
      cursor = page.nextCursor;
    } while (cursor);
    const totals = await owner.caller.analytics.totals(query);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(totals.clicks);
  });
});

describe("periods", () => {
  it.each(timezones)("presets in %s: whole local hours or days, as many buckets as the period has", async (timezone) => {
    const expected = { "24h": 24, "7d": 7, "30d": 30, "90d": 90 } as const;
    for (const period of ["24h", "7d", "30d", "90d", "today", "month", "all"] as const) {
      const series = await owner.caller.analytics.timeseries({ period, timezone });
      const unit = series.granularity;
      expect(localLabel(series.period.from, timezone, unit === "hour" ? "hour" : "day"), `${period} starts on a local boundary`).toBe(series.period.localFrom);
      if (period in expected) expect(series.points).toHaveLength(expected[period as keyof typeof expected]);
      expect(series.period.previous === null).toBe(period === "all");
    }
  });

  it("a custom range of up to two days is by hour, also when whole hours make it longer", async () => {
    // 48 hours from a quarter past: whole hours make it 49, still by hour (by day, its first bucket would start at 18:00).
    const from = Date.UTC(2026, 3, 1, 18, 15);
    const series = await owner.caller.analytics.timeseries({ period: { from: new Date(from), to: new Date(from + 48 * 3_600_000) }, timezone: "UTC" });
    expect(series.granularity).toBe("hour");
    expect(series.period.localFrom).toBe("2026-04-01T18:00:00");
    expect(series.points).toHaveLength(49);
  });

  it("refuses a zone PostgreSQL or the runtime does not know, and a backwards range, as BAD_REQUEST", async () => {
    for (const input of [
      { timezone: "Mars/Olympus_Mons" },
      { timezone: "UTC+5" },
      { period: { from: new Date(seedTo), to: new Date(seedFrom) } },
      { period: { from: new Date(Date.UTC(1900, 0, 1)), to: new Date(seedFrom) } },
    ]) {
      const outcome = await outcomeOf(owner.caller.analytics.totals(input));
      expect(outcome.ok ? "answered" : outcome.error.code, JSON.stringify(input)).toBe("BAD_REQUEST");
    }
  });
});

describe("ownership", () => {
  const withAll = (filters: AnalyticsFilter[]) => ({ period: { from: new Date(seedFrom), to: new Date(seedTo) }, filters, includeBots: true });

  it("another user's link id in a filter answers NOT_FOUND on every procedure", async () => {
    const filters: AnalyticsFilter[] = [{ dimension: "link", op: "is", value: intruderLinkId }];
    const calls = [
      () => owner.caller.analytics.totals(withAll(filters)),
      () => owner.caller.analytics.timeseries(withAll(filters)),
      () => owner.caller.analytics.top({ ...withAll(filters), dimension: "country" }),
      () => owner.caller.analytics.realtime({ filters }),
      () => owner.caller.analytics.clicks(withAll(filters)),
      () => owner.caller.analytics.totals(withAll([{ dimension: "link", op: "isNot", value: intruderLinkId }])),
    ];
    for (const call of calls) {
      const outcome = await outcomeOf(call());
      expect(outcome.ok ? "answered" : outcome.error.code).toBe("NOT_FOUND");
    }
  });

  it("never counts another user's clicks, even under a tag name both users have", async () => {
    const inPeriod = raw.filter((row) => row.occurredAt.getTime() >= seedFrom && row.occurredAt.getTime() < seedTo);
    const mine = inPeriod.filter((row) => row.tags.includes("red")).length;
    expect((await owner.caller.analytics.totals(withAll([{ dimension: "tag", op: "is", value: "red" }]))).clicks).toBe(mine);
    expect((await owner.caller.analytics.totals(withAll([]))).clicks).toBe(inPeriod.length);
    const links = await owner.caller.analytics.top({ ...withAll([]), dimension: "link", limit: 100 });
    expect(links.rows.map((row) => row.value).sort()).toEqual([...ownLinkIds].sort());
    expect(links.rows.every((row) => row.link?.slug.startsWith("an-"))).toBe(true);
  });
});
