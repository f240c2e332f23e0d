import { readFileSync } from "node:fs";
import { createDatabase, type Database, Prisma } from "@hop/db";
import { createTestDatabase } from "@hop/test-harness";
import { Reader, type Response } from "mmdb-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundledCountryDatabasePath, ingestClickEvents, openCountryDatabase, type ClickEvent } from "../src";

// Issue 13: every dimension recorded at ingestion, on real PostgreSQL, with
// addresses taken from the bundled database's own ranges (found by walking
// it here, not guessed), known user agents, referrers and UTM tags.
let db: Database;
let userId: string;
let plainLink: string;
let taggedLink: string;
let targetTaggedLink: string;

const agents = {
  windowsChrome: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  iphone: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
  ipad: "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
  androidFirefox: "Mozilla/5.0 (Android 14; Mobile; rv:126.0) Gecko/126.0 Firefox/126.0",
  googlebot: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
};

/** The first IPv4 address of a /16 block that the bundled database places in each wanted country. */
function addressesByCountry(wanted: readonly string[]): Map<string, string> {
  const path = bundledCountryDatabasePath();
  if (!path) throw new Error("the bundled country database is missing: pnpm install");
  const reader = new Reader<Response>(readFileSync(path));
  const found = new Map<string, string>();
  for (let a = 1; a < 224 && found.size < wanted.length; a++) {
    for (let b = 0; b < 256 && found.size < wanted.length; b += 3) {
      const address = `${a}.${b}.1.1`;
      const record: unknown = reader.get(address);
      const code = record && typeof record === "object" && "country_code" in record ? String(record.country_code) : null;
      if (code && wanted.includes(code) && !found.has(code)) found.set(code, address);
    }
  }
  return found;
}

beforeAll(async () => {
  db = createDatabase(await createTestDatabase());
  userId = (await db.user.create({ data: { email: "dimensions@example.com", passwordHash: "x" } })).id;
  plainLink = (await db.link.create({ data: { slug: "plain", url: "https://example.com/plain", userId } })).id;
  taggedLink = (
    await db.link.create({
      data: { slug: "tagged", url: "https://example.com/tagged?utm_source=old", userId, utmSource: "newsletter", utmMedium: "email", utmCampaign: "launch" },
    })
  ).id;
  targetTaggedLink = (await db.link.create({ data: { slug: "in-target", url: "https://example.com/t?utm_source=partner&utm_campaign=spring%20sale", userId } }))
    .id;
});
afterAll(async () => {
  await db?.$disconnect();
});

let sequence = 0;
function click(overrides: Partial<ClickEvent> = {}): ClickEvent {
  sequence++;
  return {
    eventId: `dim-${sequence}`,
    linkId: plainLink,
    occurredAt: new Date("2026-11-24T10:07:00Z"),
    referrer: null,
    userAgent: agents.windowsChrome,
    country: null,
    visitorHash: `visitor-${sequence}`,
    ip: null,
    trigger: "link",
    ...overrides,
  };
}

/**
 * What the per-link ClickRollup held (clicks per link, UTC quarter hour and every dimension; unknown '', no referrer
 * "direct"), recounted from the raw clicks: the table is gone (every reader reads the raw clicks or the account's
 * rollups), and these tests hold the account's rollups, and an old migration's backfill from it, equal to it.
 */
const clickRollupSql = Prisma.sql`SELECT c."linkId", l."userId", date_bin('15 minutes', c."occurredAt", TIMESTAMP '2000-01-01') AS bucket, c."isBot",
    coalesce(c.country, '') AS country, coalesce(c.region, '') AS region, coalesce(c.city, '') AS city, coalesce(c.device, '') AS device,
    coalesce(c.browser, '') AS browser, coalesce(c.os, '') AS os, coalesce(c."referrerHost", 'direct') AS "referrerHost",
    coalesce(c."utmSource", '') AS "utmSource", coalesce(c."utmMedium", '') AS "utmMedium", coalesce(c."utmCampaign", '') AS "utmCampaign",
    c.trigger, count(*)::int AS clicks
  FROM "Click" c JOIN "Link" l ON l.id = c."linkId" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15`;

async function stored(event: ClickEvent) {
  return db.click.findUniqueOrThrow({ where: { eventId: event.eventId } });
}

describe("country", () => {
  const countries = addressesByCountry(["DE", "US", "JP", "BR"]);

  it("finds addresses of four countries in the bundled database's own ranges", () => {
    expect([...countries.keys()].sort()).toEqual(["BR", "DE", "JP", "US"]);
  });

  it("comes from the visitor's address, IPv4 and IPv4-mapped IPv6 alike; the address itself is stored nowhere", async () => {
    const events = [...countries].flatMap(([, address]) => [click({ ip: address }), click({ ip: `::ffff:${address}` })]);
    await ingestClickEvents(db, events);
    for (const [index, event] of events.entries()) {
      expect((await stored(event)).country).toBe([...countries.keys()][Math.floor(index / 2)]);
    }
    // No column of any row of Click holds an address we sent.
    const [row] = await db.$queryRaw<{ text: string }[]>`SELECT string_agg(c::text, '|') AS text FROM "Click" c`;
    for (const [, address] of countries) expect(row?.text).not.toContain(address);
  });

  it("takes a CDN's country header over the address", async () => {
    const event = click({ ip: countries.get("DE"), country: "FR" });
    await ingestClickEvents(db, [event]);
    expect((await stored(event)).country).toBe("FR");
  });

  it("is unknown for a private address, a socket without address, and none", async () => {
    const events = [click({ ip: "10.1.2.3" }), click({ ip: "unknown" }), click({ ip: null }), click({ ip: "::1" })];
    await ingestClickEvents(db, events);
    for (const event of events) expect((await stored(event)).country).toBeNull();
  });

  it("reads an IPv6 address when the database has its range", async () => {
    const lookup = openCountryDatabase();
    // 2001:4860::/32 is a large public block; whatever the database says of it, ingestion says the same.
    const event = click({ ip: "2001:4860:4860::8888" });
    await ingestClickEvents(db, [event]);
    expect((await stored(event)).country).toBe(lookup.countryOf("2001:4860:4860::8888"));
    expect(lookup.countryOf("2001:4860:4860::8888")).toMatch(/^[A-Z]{2}$/);
  });
});

describe("device, browser, OS and bots", () => {
  it.each([
    ["windowsChrome", { device: "desktop", browser: "Chrome", os: "Windows", isBot: false }],
    ["iphone", { device: "mobile", browser: "Mobile Safari", os: "iOS", isBot: false }],
    ["ipad", { device: "tablet", browser: "Mobile Safari", os: "iOS", isBot: false }],
    ["androidFirefox", { device: "mobile", browser: "Firefox", os: "Android", isBot: false }],
    ["googlebot", { isBot: true }],
  ] as const)("%s", async (agent, expected) => {
    const event = click({ userAgent: agents[agent] });
    await ingestClickEvents(db, [event]);
    expect(await stored(event)).toMatchObject(expected);
  });

  it("counts a visit without a user agent as a bot", async () => {
    const event = click({ userAgent: null });
    await ingestClickEvents(db, [event]);
    expect((await stored(event)).isBot).toBe(true);
  });
});

describe("referrer, UTM and trigger", () => {
  it("keeps the referrer's host, and none is 'direct' in the rollups", async () => {
    const withReferrer = click({ referrer: "https://News.Example.com/item?id=1" });
    const direct = click({ referrer: null, occurredAt: new Date("2026-11-24T11:00:00Z") });
    await ingestClickEvents(db, [withReferrer, direct]);
    expect((await stored(withReferrer)).referrerHost).toBe("news.example.com");
    expect((await stored(direct)).referrerHost).toBeNull();
    const rollups = await db.accountDimensionDay.findMany({ where: { userId, dimension: "referrer", day: new Date("2026-11-24T00:00:00Z") } });
    expect(rollups.map((rollup) => rollup.value)).toContain("direct");
    expect(rollups.map((rollup) => rollup.value)).toContain("news.example.com");
    expect(rollups.map((rollup) => rollup.value)).not.toContain("");
  });

  it("records the destination's UTM tags: the link's own over the target's, else the target's", async () => {
    const own = click({ linkId: taggedLink });
    const target = click({ linkId: targetTaggedLink });
    const none = click({ linkId: plainLink });
    await ingestClickEvents(db, [own, target, none]);
    expect(await stored(own)).toMatchObject({ utmSource: "newsletter", utmMedium: "email", utmCampaign: "launch" });
    expect(await stored(target)).toMatchObject({ utmSource: "partner", utmMedium: null, utmCampaign: "spring sale" });
    expect(await stored(none)).toMatchObject({ utmSource: null, utmMedium: null, utmCampaign: null });
  });

  it("records QR scans as their own trigger", async () => {
    const scan = click({ trigger: "qr" });
    const visit = click({});
    await ingestClickEvents(db, [scan, visit]);
    expect((await stored(scan)).trigger).toBe("qr");
    expect((await stored(visit)).trigger).toBe("link");
  });
});

describe("rollups", () => {
  it("are keyed by 15-minute bucket, bots apart; a replayed batch adds nothing", async () => {
    const link = (await db.link.create({ data: { slug: "rolled", url: "https://example.com/r", userId } })).id;
    const base = { linkId: link, ip: null, country: "NL", referrer: "https://t.co/x" };
    // A day no other test here clicks on: the account's rows of it are this batch's.
    const batch = [
      click({ ...base, occurredAt: new Date("2026-11-20T10:00:00Z") }),
      click({ ...base, occurredAt: new Date("2026-11-20T10:14:59Z") }),
      click({ ...base, occurredAt: new Date("2026-11-20T10:15:00Z") }),
      click({ ...base, occurredAt: new Date("2026-11-20T10:20:00Z"), userAgent: agents.iphone }),
      click({ ...base, occurredAt: new Date("2026-11-20T10:20:00Z"), userAgent: agents.googlebot }),
    ];
    await ingestClickEvents(db, batch);
    await ingestClickEvents(db, batch);
    const rows = await db.accountClickBucket.findMany({
      where: { userId, bucket: { gte: new Date("2026-11-20T00:00:00Z"), lt: new Date("2026-11-21T00:00:00Z") } },
      orderBy: [{ bucket: "asc" }, { isBot: "asc" }],
    });
    expect(rows.map((row) => [row.bucket.toISOString().slice(11, 16), row.isBot, row.clicks])).toEqual([
      ["10:00", false, 2],
      ["10:15", false, 2],
      ["10:15", true, 1],
    ]);
    const days = await db.accountDimensionDay.findMany({
      where: { userId, dimension: "device", day: new Date("2026-11-20T00:00:00Z") },
      orderBy: [{ isBot: "asc" }, { value: "asc" }],
    });
    expect(days.map((row) => [row.isBot, row.value, row.clicks])).toEqual([
      [false, "desktop", 3],
      [false, "mobile", 1],
      [true, "desktop", 1],
    ]);
    expect(await db.click.count({ where: { linkId: link } })).toBe(batch.length);
  });
  it("per account: every dimension's UTC days, and the quarter-hour totals, equal a recount of the raw clicks, visitors per day too; a replay adds nothing", async () => {
    const link = (await db.link.create({ data: { slug: "rolled-account", url: "https://example.com/ra?utm_source=mail", userId } })).id;
    const batch = [
      click({ linkId: link, ip: null, country: "DE", referrer: null, occurredAt: new Date("2026-11-25T23:50:00Z") }),
      click({ linkId: link, ip: null, country: "DE", referrer: "https://t.co/y", occurredAt: new Date("2026-11-26T00:05:00Z"), userAgent: agents.iphone }),
      click({ linkId: link, ip: null, country: null, referrer: null, occurredAt: new Date("2026-11-26T00:06:00Z"), userAgent: agents.googlebot }),
    ];
    await ingestClickEvents(db, batch);
    await ingestClickEvents(db, batch);
    const mismatches = await db.$queryRaw<{ dimension: string; value: string }[]>`
      WITH per_link AS (
        SELECT r."userId", d.dimension, r.bucket, r."isBot", d.value, sum(r.clicks)::int AS clicks
        FROM (${clickRollupSql}) r CROSS JOIN LATERAL (VALUES ('country', r.country), ('region', r.region), ('city', r.city), ('device', r.device),
          ('browser', r.browser), ('os', r.os), ('referrer', r."referrerHost"), ('utmSource', r."utmSource"), ('utmMedium', r."utmMedium"),
          ('utmCampaign', r."utmCampaign"), ('trigger', r.trigger), ('link', r."linkId")) AS d(dimension, value)
        GROUP BY 1, 2, 3, 4, 5
      ),
      per_day AS (SELECT "userId", dimension, bucket::date AS day, "isBot", value, sum(clicks)::int AS clicks FROM per_link GROUP BY 1, 2, 3, 4, 5)
      SELECT dimension, value FROM per_day FULL JOIN "AccountDimensionDay" a USING ("userId", dimension, day, "isBot", value)
        WHERE per_day.clicks IS DISTINCT FROM a.clicks`;
    expect(mismatches).toEqual([]);
    const [totals] = await db.$queryRaw<{ mismatches: bigint }[]>`
      SELECT count(*) AS mismatches FROM (SELECT "userId", bucket, "isBot", sum(clicks)::int AS clicks FROM (${clickRollupSql}) r GROUP BY 1, 2, 3) r
        FULL JOIN "AccountClickBucket" a USING ("userId", bucket, "isBot") WHERE r.clicks IS DISTINCT FROM a.clicks`;
    expect(Number(totals?.mismatches)).toBe(0);
    // Visitors per account, UTC day and kind equal a recount of the raw rows' distinct hashes.
    const [visitors] = await db.$queryRaw<{ mismatches: bigint }[]>`
      SELECT count(*) AS mismatches FROM (
        SELECT l."userId", c."occurredAt"::date AS day, k.kind, count(DISTINCT c."visitorHash")::int AS visitors
        FROM "Click" c JOIN "Link" l ON l.id = c."linkId" CROSS JOIN LATERAL (VALUES ('all'), ('human')) AS k(kind)
        WHERE k.kind = 'all' OR NOT c."isBot" GROUP BY 1, 2, 3
      ) raw FULL JOIN "AccountDailyUniques" u USING ("userId", day, kind) WHERE raw.visitors IS DISTINCT FROM u.visitors`;
    expect(Number(visitors?.mismatches)).toBe(0);
    const days = await db.accountDimensionDay.findMany({ where: { userId, dimension: "link", value: link }, orderBy: [{ day: "asc" }, { isBot: "asc" }] });
    expect(days.map((row) => [row.day.toISOString().slice(0, 10), row.isBot, row.clicks])).toEqual([
      ["2026-11-25", false, 1],
      ["2026-11-26", false, 1],
      ["2026-11-26", true, 1],
    ]);
  });
  it("the migrations' backfill of the per-account rollups writes what ingestion wrote", async () => {
    // AccountDailyUniques has no backfill since AccountDailyVisitor took one row per visitor (its counts are checked
    // against a recount of the raw clicks above).
    const tables = ["AccountClickBucket", "AccountDimensionDay", "AccountDailyVisitor"];
    const snapshot = async (query: (sql: string) => Promise<unknown[]>) =>
      Promise.all(
        tables.map((table) =>
          query(
            table === "AccountDailyVisitor"
              ? // humanSince names the transaction that wrote it: ingestion's, none in the backfill.
                `SELECT "userId", day, "visitorHash", "firstAt", "lastAt", "humanFirstAt", "humanLastAt" FROM "${table}" ORDER BY 1, 2, 3`
              : `SELECT * FROM "${table}" ORDER BY 1, 2, 3, 4${table.startsWith("AccountDimension") ? ", 5" : ""}`,
          ),
        ),
      );
    const before = await snapshot((sql) => db.$queryRawUnsafe(sql));
    expect(before.every((rows) => rows.length > 0)).toBe(true);
    // Each migration's statements after its "-- Backfill" line, run over the rows ingestion left, in a transaction rolled back.
    const backfill = ["20261202050000_account_rollups", "20261205020000_account_visitor_rows"].flatMap((name) => {
      const text = readFileSync(new URL(`../../db/prisma/migrations/${name}/migration.sql`, import.meta.url), "utf8");
      return (text.split("-- Backfill")[1] ?? "")
        .split(";")
        .map((statement) => statement.replace(/^.*\n/, "").trim())
        .filter(Boolean);
    });
    expect(backfill.length).toBe(4);
    const rolledBack = new Error("rolled back");
    let after: unknown[][] = [];
    await db
      .$transaction(async (tx) => {
        for (const table of tables) await tx.$executeRawUnsafe(`DELETE FROM "${table}"`);
        // The first backfill read the per-link rollup and wrote the per-quarter-hour dimension rows, both dropped since:
        // stand-ins for this transaction (the first recounted from the raw clicks, the second empty for it to fill).
        await tx.$executeRaw`CREATE TEMPORARY TABLE "ClickRollup" ON COMMIT DROP AS ${clickRollupSql}`;
        await tx.$executeRaw`CREATE TEMPORARY TABLE "AccountDimensionBucket" ("userId" text, dimension text, bucket timestamp(3), "isBot" boolean,
          value text, clicks int) ON COMMIT DROP`;
        for (const statement of backfill) await tx.$executeRawUnsafe(statement);
        after = await snapshot((sql) => tx.$queryRawUnsafe(sql));
        throw rolledBack;
      })
      .catch((error: unknown) => {
        if (error !== rolledBack) throw error;
      });
    expect(after).toEqual(before);
  });
});
