import { createDatabase, type Database, Prisma } from "@hop/db";
import { CleanupStack, createTestDatabase } from "@hop/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountRollupDimensions, compactClosedDays, compactOpenDay, filterPairDimensions, ingestClickEvents, pairedDimensions, type ClickEvent } from "../src";

// The worker's analytics.compact job (issue 13): closed UTC days of raw clicks
// into AccountValueDay / AccountPairDay / AccountPairValueDay / AccountTripleDay. Run by two workers at once it counts
// nothing twice, a replay adds nothing, a late click reopens its day until the
// next run, and days the retention job may be deleting are left alone.
const cleanup = new CleanupStack();
let url: string;
let db: Database;
let userId: string;
let links: string[];

const dayMs = 86_400_000;
const day0 = Date.UTC(2026, 5, 1);
const agents = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
];
const countries = ["DE", "US", null];

function clicks(prefix: string, count: number, from: number, spanMs: number): ClickEvent[] {
  return Array.from({ length: count }, (_, index) => {
    const occurredAt = new Date(from + ((index * 7_919_333) % spanMs));
    return {
      eventId: `${prefix}-${index}`,
      linkId: links[index % links.length] as string,
      occurredAt,
      referrer: index % 4 === 0 ? null : `https://ref${index % 3}.example/`,
      userAgent: agents[index % agents.length] ?? null,
      country: countries[index % countries.length] ?? null,
      visitorHash: `v${index % 17}-${occurredAt.toISOString().slice(0, 10)}`,
      ip: null,
      trigger: index % 5 === 0 ? "qr" : "link",
    };
  });
}

/** What the tiers hold for the account, in a form two states can be compared by. */
async function tiers(): Promise<{ values: unknown[]; pairs: unknown[]; pairValues: unknown[]; triples: unknown[]; days: unknown[] }> {
  return {
    pairValues: await db.$queryRaw`SELECT "dimensionA", "valueA", "dimensionB", "valueB", to_char(day, 'YYYY-MM-DD') AS day, kind, clicks, "quarterHours",
        "quarterClicks", visitors
      FROM "AccountPairValueDay" WHERE "userId" = ${userId} ORDER BY 1, 2, 3, 4, 5, 6`,
    triples: await db.$queryRaw`SELECT "dimensionA", "valueA", "dimensionB", "valueB", "dimensionC", to_char(day, 'YYYY-MM-DD') AS day, "valuesC", clicks,
        "humanClicks"
      FROM "AccountTripleDay" WHERE "userId" = ${userId} ORDER BY 1, 2, 3, 4, 5, 6`,
    values: await db.$queryRaw`SELECT dimension, value, to_char(day, 'YYYY-MM-DD') AS day, kind, clicks, "quarterHours", "quarterClicks", visitors
      FROM "AccountValueDay" WHERE "userId" = ${userId} ORDER BY 1, 2, 3, 4`,
    pairs: await db.$queryRaw`SELECT "dimensionA", "valueA", "dimensionB", to_char(day, 'YYYY-MM-DD') AS day, "valuesB", clicks, "humanClicks"
      FROM "AccountPairDay" WHERE "userId" = ${userId} ORDER BY 1, 2, 3, 4`,
    days: await db.$queryRaw`SELECT to_char(day, 'YYYY-MM-DD') AS day, clicks FROM "AccountCompactedDay" WHERE "userId" = ${userId} ORDER BY 1`,
  };
}

/** Per UTC day: clicks, human clicks and human visitors of one country, as the tiers say and as the raw clicks say. */
async function countryDays(country: string): Promise<{ tiers: unknown[]; raw: unknown[] }> {
  return {
    tiers: await db.$queryRaw`
      SELECT to_char(a.day, 'YYYY-MM-DD') AS day, a.clicks AS "all", h.clicks AS human, h.visitors,
        (SELECT sum(q) FROM unnest(h."quarterClicks") q)::int AS "humanQuarters",
        (SELECT sum(b.clicks) FROM "AccountPairDay" p CROSS JOIN LATERAL unnest(p.clicks) AS b(clicks) WHERE p."userId" = a."userId" AND p."dimensionA" = 'country' AND p."valueA" = ${country}
          AND p."dimensionB" = 'device' AND p.day = a.day)::int AS "pairAll"
      FROM "AccountValueDay" a JOIN "AccountValueDay" h ON h."userId" = a."userId" AND h.dimension = a.dimension AND h.value = a.value AND h.day = a.day AND h.kind = 'human'
      WHERE a."userId" = ${userId} AND a.dimension = 'country' AND a.value = ${country} AND a.kind = 'all' ORDER BY 1`,
    raw: await db.$queryRaw`
      SELECT to_char(c."occurredAt"::date, 'YYYY-MM-DD') AS day, count(*)::int AS "all", (count(*) FILTER (WHERE NOT c."isBot"))::int AS human,
        (count(DISTINCT c."visitorHash") FILTER (WHERE NOT c."isBot"))::int AS visitors, (count(*) FILTER (WHERE NOT c."isBot"))::int AS "humanQuarters",
        count(*)::int AS "pairAll"
      FROM "Click" c WHERE c.country = ${country} AND c."occurredAt" < ${new Date(day0 + 3 * dayMs).toISOString()}::timestamptz AT TIME ZONE 'UTC' GROUP BY 1 ORDER BY 1`,
  };
}

/**
 * Every row of both tiers for the compacted days, as the tiers hold them and as counted straight from the raw clicks
 * (a row per click and dimension, or per click and pair of dimensions, grouped: the plain way the tiers avoid).
 */
async function wholeTiers(onlyDay: string | null = null): Promise<{ tiers: unknown[]; raw: unknown[] }> {
  const values = (dimensions: readonly string[]) =>
    Prisma.raw(
      accountRollupDimensions
        .filter(([dimension]) => dimensions.includes(dimension))
        .map(([dimension, value]) => `('${dimension}', ${value})`)
        .join(", "),
    );
  const all = values(accountRollupDimensions.map(([dimension]) => dimension));
  const paired = values(pairedDimensions);
  // The filter pairs' dimensions with their rank (A comes before B), and the third dimensions.
  const ranked = Prisma.raw(
    accountRollupDimensions
      .filter(([dimension]) => (filterPairDimensions as readonly string[]).includes(dimension))
      .map(([dimension, value]) => `('${dimension}', ${value}, ${filterPairDimensions.indexOf(dimension as (typeof filterPairDimensions)[number])})`)
      .join(", "),
  );
  // Under two filters every paired dimension is a card (a third dimension).
  const cards = paired;
  // The clicks a compacted row holds: its whole day, or the open day's before `through`.
  const compacted = Prisma.sql`EXISTS (SELECT 1 FROM "AccountCompactedDay" d WHERE d."userId" = ${userId} AND d.day = c."occurredAt"::date
    AND (d.through IS NULL OR c."occurredAt" < d.through) AND (${onlyDay}::date IS NULL OR d.day = ${onlyDay}::date))`;
  const kept = Prisma.sql`"userId" = ${userId} AND (${onlyDay}::date IS NULL OR day = ${onlyDay}::date)`;
  const tiers = [
    ...(await db.$queryRaw<unknown[]>`
      SELECT 'value' AS tier, dimension, value, to_char(day, 'YYYY-MM-DD') AS day, kind, clicks, "quarterHours", "quarterClicks", visitors
      FROM "AccountValueDay" WHERE ${kept} ORDER BY 2, 3, 4, 5`),
    ...(await db.$queryRaw<unknown[]>`
      SELECT 'pair' AS tier, "dimensionA", "valueA", "dimensionB", b.value AS "valueB", to_char(day, 'YYYY-MM-DD') AS day, b.clicks, b.human
      FROM "AccountPairDay" CROSS JOIN LATERAL unnest("valuesB", clicks, "humanClicks") AS b(value, clicks, human)
      WHERE ${kept} ORDER BY 2, 3, 4, 5, 6`),
    ...(await db.$queryRaw<unknown[]>`
      SELECT 'pairValue' AS tier, "dimensionA", "valueA", "dimensionB", "valueB", to_char(day, 'YYYY-MM-DD') AS day, kind, clicks, "quarterHours",
        "quarterClicks", visitors
      FROM "AccountPairValueDay" WHERE ${kept} ORDER BY 2, 3, 4, 5, 6, 7`),
    ...(await db.$queryRaw<unknown[]>`
      SELECT 'triple' AS tier, "dimensionA", "valueA", "dimensionB", "valueB", "dimensionC", c.value AS "valueC", to_char(day, 'YYYY-MM-DD') AS day, c.clicks, c.human
      FROM "AccountTripleDay" CROSS JOIN LATERAL unnest("valuesC", clicks, "humanClicks") AS c(value, clicks, human)
      WHERE ${kept} ORDER BY 2, 3, 4, 5, 6, 7, 8`),
  ];
  const raw = [
    ...(await db.$queryRaw<unknown[]>`
      WITH kinds AS (
        SELECT d.dimension, d.value, c."occurredAt"::date AS day, k.kind, c."visitorHash",
          floor(extract(epoch FROM c."occurredAt" - c."occurredAt"::date) / 900)::int AS quarter
        FROM "Click" c CROSS JOIN LATERAL (VALUES ${all}) AS d(dimension, value) CROSS JOIN LATERAL (VALUES ('all'), ('human')) AS k(kind)
        WHERE ${compacted} AND (k.kind = 'all' OR NOT c."isBot")
      ), quarters AS (
        SELECT dimension, value, day, kind, array_agg(quarter ORDER BY quarter) AS "quarterHours", array_agg(clicks ORDER BY quarter) AS "quarterClicks"
        FROM (SELECT dimension, value, day, kind, quarter, count(*)::int AS clicks FROM kinds GROUP BY 1, 2, 3, 4, 5) q GROUP BY 1, 2, 3, 4
      )
      SELECT 'value' AS tier, t.dimension, t.value, to_char(t.day, 'YYYY-MM-DD') AS day, t.kind, t.clicks, q."quarterHours", q."quarterClicks", t.visitors
      FROM (SELECT dimension, value, day, kind, count(*)::int AS clicks, count(DISTINCT "visitorHash")::int AS visitors FROM kinds GROUP BY 1, 2, 3, 4) t
        JOIN quarters q USING (dimension, value, day, kind)
      ORDER BY 2, 3, 4, 5`),
    ...(await db.$queryRaw<unknown[]>`
      SELECT 'pair' AS tier, a.dimension AS "dimensionA", a.value AS "valueA", b.dimension AS "dimensionB", b.value AS "valueB",
        to_char(c."occurredAt"::date, 'YYYY-MM-DD') AS day, count(*)::int AS clicks, (count(*) FILTER (WHERE NOT c."isBot"))::int AS human
      FROM "Click" c CROSS JOIN LATERAL (VALUES ${paired}) AS a(dimension, value) CROSS JOIN LATERAL (VALUES ${paired}) AS b(dimension, value)
      WHERE ${compacted} AND a.dimension <> b.dimension
      GROUP BY 2, 3, 4, 5, 6 ORDER BY 2, 3, 4, 5, 6`),
    ...(await db.$queryRaw<unknown[]>`
      WITH kinds AS (
        SELECT a.dimension AS "dimensionA", a.value AS "valueA", b.dimension AS "dimensionB", b.value AS "valueB", c."occurredAt"::date AS day, k.kind,
          c."visitorHash", floor(extract(epoch FROM c."occurredAt" - c."occurredAt"::date) / 900)::int AS quarter
        FROM "Click" c CROSS JOIN LATERAL (VALUES ${ranked}) AS a(dimension, value, rank) CROSS JOIN LATERAL (VALUES ${ranked}) AS b(dimension, value, rank)
          CROSS JOIN LATERAL (VALUES ('all'), ('human')) AS k(kind)
        WHERE ${compacted} AND a.rank < b.rank AND (k.kind = 'all' OR NOT c."isBot")
      ), quarters AS (
        SELECT "dimensionA", "valueA", "dimensionB", "valueB", day, kind, array_agg(quarter ORDER BY quarter) AS "quarterHours",
          array_agg(clicks ORDER BY quarter) AS "quarterClicks"
        FROM (SELECT "dimensionA", "valueA", "dimensionB", "valueB", day, kind, quarter, count(*)::int AS clicks FROM kinds GROUP BY 1, 2, 3, 4, 5, 6, 7) q
        GROUP BY 1, 2, 3, 4, 5, 6
      )
      SELECT 'pairValue' AS tier, t."dimensionA", t."valueA", t."dimensionB", t."valueB", to_char(t.day, 'YYYY-MM-DD') AS day, t.kind, t.clicks,
        q."quarterHours", q."quarterClicks", t.visitors
      FROM (SELECT "dimensionA", "valueA", "dimensionB", "valueB", day, kind, count(*)::int AS clicks, count(DISTINCT "visitorHash")::int AS visitors
            FROM kinds GROUP BY 1, 2, 3, 4, 5, 6) t
        JOIN quarters q USING ("dimensionA", "valueA", "dimensionB", "valueB", day, kind)
      ORDER BY 2, 3, 4, 5, 6, 7`),
    ...(await db.$queryRaw<unknown[]>`
      SELECT 'triple' AS tier, a.dimension AS "dimensionA", a.value AS "valueA", b.dimension AS "dimensionB", b.value AS "valueB",
        t.dimension AS "dimensionC", t.value AS "valueC", to_char(c."occurredAt"::date, 'YYYY-MM-DD') AS day, count(*)::int AS clicks,
        (count(*) FILTER (WHERE NOT c."isBot"))::int AS human
      FROM "Click" c CROSS JOIN LATERAL (VALUES ${ranked}) AS a(dimension, value, rank) CROSS JOIN LATERAL (VALUES ${ranked}) AS b(dimension, value, rank)
        CROSS JOIN LATERAL (VALUES ${cards}) AS t(dimension, value)
      WHERE ${compacted} AND a.rank < b.rank AND t.dimension NOT IN (a.dimension, b.dimension)
      GROUP BY 2, 3, 4, 5, 6, 7, 8 ORDER BY 2, 3, 4, 5, 6, 7, 8`),
  ];
  return { tiers, raw };
}

beforeAll(async () => {
  url = await createTestDatabase();
  db = createDatabase(url);
  cleanup.defer(() => db.$disconnect());
  userId = (await db.user.create({ data: { email: "compaction@example.com", passwordHash: "x" } })).id;
  links = [];
  for (const slug of ["c-a", "c-b", "c-c"]) links.push((await db.link.create({ data: { slug, url: `https://example.com/${slug}`, userId } })).id);
  // Three closed days and part of a fourth (the open tail).
  await ingestClickEvents(db, clicks("base", 900, day0, 3 * dayMs + 6 * 3_600_000));
});
afterAll(() => cleanup.run());

describe("analytics.compact", () => {
  const now = new Date(day0 + 3 * dayMs + 7 * 3_600_000);

  it("two workers at once compact each closed day once, and match the raw clicks", async () => {
    const second = createDatabase(url);
    cleanup.defer(() => second.$disconnect());
    const runs = await Promise.all([compactClosedDays(db, { now, retentionDays: 30 }), compactClosedDays(second, { now, retentionDays: 30 })]);
    // Between them, each of the three closed days compacted once (whichever worker got its lock first); the open day not.
    expect(runs.reduce((sum, run) => sum + run.accountDays, 0)).toBe(3);
    const state = await tiers();
    expect(state.days).toEqual([
      { day: "2026-06-01", clicks: expect.any(Number) },
      { day: "2026-06-02", clicks: expect.any(Number) },
      { day: "2026-06-03", clicks: expect.any(Number) },
    ]);
    const de = await countryDays("DE");
    expect(de.tiers).toEqual(de.raw);
    expect(de.tiers).toHaveLength(3);
  });

  it("holds every value day, pair, pair of values and triple of the compacted days exactly as the raw clicks count them", async () => {
    const whole = await wholeTiers();
    expect(whole.tiers.length).toBeGreaterThan(100);
    expect(whole.tiers).toEqual(whole.raw);
  });

  it("a replayed run adds nothing", async () => {
    const before = await tiers();
    expect(await compactClosedDays(db, { now, retentionDays: 30 })).toEqual({ days: 0, accountDays: 0 });
    expect(await tiers()).toEqual(before);
  });

  it("a late click reopens its day; the next run recompacts that day alone, exactly", async () => {
    const before = await tiers();
    await ingestClickEvents(db, clicks("late", 7, day0 + dayMs, dayMs));
    const [reopened] = await db.$queryRaw<{ live: number; compacted: number }[]>`
      SELECT (SELECT sum(clicks)::int FROM "AccountDimensionDay" WHERE "userId" = ${userId} AND dimension = 'trigger' AND day = '2026-06-02') AS live,
        (SELECT clicks FROM "AccountCompactedDay" WHERE "userId" = ${userId} AND day = '2026-06-02') AS compacted`;
    expect(reopened?.live).toBe((reopened?.compacted ?? 0) + 7);
    const second = createDatabase(url);
    cleanup.defer(() => second.$disconnect());
    const runs = await Promise.all([compactClosedDays(db, { now, retentionDays: 30 }), compactClosedDays(second, { now, retentionDays: 30 })]);
    expect(runs.reduce((sum, run) => sum + run.accountDays, 0)).toBe(1);
    const after = await tiers();
    expect(after.days).toEqual(
      (before.days as { day: string; clicks: number }[]).map((row) => (row.day === "2026-06-02" ? { ...row, clicks: row.clicks + 7 } : row)),
    );
    const de = await countryDays("DE");
    expect(de.tiers).toEqual(de.raw);
    const whole = await wholeTiers();
    expect(whole.tiers).toEqual(whole.raw);
  });

  it("leaves alone the days the retention job may be deleting", async () => {
    const later = new Date(day0 + 40 * dayMs);
    await ingestClickEvents(db, clicks("old", 5, day0 + 2 * dayMs, 3_600_000));
    // Retention of 38 days from day 40: day 2 (reopened by these clicks) is past the margin, so it stays as it is.
    expect(await compactClosedDays(db, { now: later, retentionDays: 38 })).toEqual({ days: 1, accountDays: 1 });
    const [row] = await db.$queryRaw<{ day: string }[]>`
      SELECT to_char(day, 'YYYY-MM-DD') AS day FROM "AccountCompactedDay" WHERE "userId" = ${userId} ORDER BY "compactedAt" DESC, day LIMIT 1`;
    expect(row?.day).toBe("2026-06-04");
  });

  it("compacts the open day so far, exactly; later runs add the quarter hours since, and the closed day is compacted whole", async () => {
    const openDay = day0 + 41 * dayMs;
    const compactedRow = async () =>
      (
        await db.$queryRaw<{ clicks: number; through: Date | null }[]>`
          SELECT clicks, through FROM "AccountCompactedDay" WHERE "userId" = ${userId} AND day = ${new Date(openDay).toISOString().slice(0, 10)}::date`
      )[0];
    const rawBefore = async (end: number) =>
      (
        await db.$queryRaw<{ clicks: number }[]>`
          SELECT count(*)::int AS clicks FROM "Click" WHERE "occurredAt" >= ${new Date(openDay).toISOString().replace("Z", "")}::timestamp
            AND "occurredAt" < ${new Date(end).toISOString().replace("Z", "")}::timestamp`
      )[0]?.clicks;
    await ingestClickEvents(db, clicks("open", 300, openDay, 7 * 3_600_000));
    // 07:08, with the 10 minutes' margin: the quarter hours before 06:45, from two workers at once, once.
    const now = new Date(openDay + 7 * 3_600_000 + 8 * 60_000);
    const second = createDatabase(url);
    cleanup.defer(() => second.$disconnect());
    const runs = await Promise.all([compactOpenDay(db, { now }), compactOpenDay(second, { now })]);
    expect(runs.reduce((sum, run) => sum + run.accountDays, 0)).toBe(1);
    const through = openDay + 6 * 3_600_000 + 45 * 60_000;
    expect(await compactedRow()).toEqual({ clicks: await rawBefore(through), through: new Date(through) });
    expect((await compactedRow())?.clicks).toBeLessThan(300);
    const day = new Date(openDay).toISOString().slice(0, 10);
    let whole = await wholeTiers(day);
    expect(whole.tiers.length).toBeGreaterThan(100);
    expect(whole.tiers).toEqual(whole.raw);
    expect(await compactOpenDay(db, { now })).toEqual({ days: 0, accountDays: 0 });

    // A later run takes the clicks since (and a late one before the old `through`).
    await ingestClickEvents(db, clicks("open-late", 9, openDay + 3_600_000, 9 * 3_600_000));
    const later = new Date(openDay + 9 * 3_600_000 + 12 * 60_000);
    expect(await compactOpenDay(db, { now: later })).toEqual({ days: 1, accountDays: 1 });
    const laterThrough = openDay + 9 * 3_600_000;
    expect(await compactedRow()).toEqual({ clicks: await rawBefore(laterThrough), through: new Date(laterThrough) });
    whole = await wholeTiers(day);
    expect(whole.tiers).toEqual(whole.raw);

    // Once the day closed, the closed days' run compacts it whole.
    expect(await compactClosedDays(db, { now: new Date(openDay + dayMs + 3_600_000), retentionDays: 38 })).toEqual({ days: 1, accountDays: 1 });
    expect(await compactedRow()).toEqual({ clicks: await rawBefore(openDay + dayMs), through: null });
    whole = await wholeTiers(day);
    expect(whole.tiers).toEqual(whole.raw);
  });
});
