import { createTestDatabase } from "@hop/test-harness";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../src";
import { migrateDatabase, migrationsDir } from "../src/migrate";

// The migrated database matches schema.prisma: every model is written and
// read back through the generated client, with every field set.
let databaseUrl: string;
let db: Database;

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  db = createDatabase(databaseUrl);
});
afterAll(async () => {
  await db.$disconnect();
});

describe("the migrated database matches schema.prisma", () => {
  it("writes and reads back every model with every field", async () => {
    const user = await db.user.create({ data: { email: "ada@example.com", name: "Ada", passwordHash: "argon2id$..." } });
    const tag = await db.tag.create({ data: { userId: user.id, name: "launch", color: "violet" } });
    const link = await db.link.create({
      data: {
        slug: "Launch_2026-x",
        url: "https://example.com/launch",
        userId: user.id,
        title: "Launch",
        description: "The launch page",
        imageUrl: "https://example.com/og.png",
        metadataStatus: "FETCHED",
        metadataError: null,
        expiresAt: new Date("2027-01-01T00:00:00Z"),
        expiredAt: new Date("2027-01-01T00:00:01Z"),
        expiredUrl: "https://example.com/expired",
        passwordHash: "argon2id$hash",
        redirectStatus: "TEMPORARY_REDIRECT",
        utmSource: "newsletter",
        utmMedium: "email",
        utmCampaign: "launch",
        utmTerm: "shortener",
        utmContent: "hero",
        totalClicks: 9_007_199_254_740_993n,
        tags: { create: [{ tagId: tag.id }] },
      },
    });
    const click = await db.click.create({
      data: {
        eventId: "evt-1",
        linkId: link.id,
        occurredAt: new Date("2026-11-24T10:00:00.123Z"),
        referrerHost: "news.ycombinator.com",
        country: "NL",
        device: "desktop",
        browser: "Firefox",
        os: "Linux",
        isBot: false,
        visitorHash: "a".repeat(64),
        userAgent: "Mozilla/5.0",
      },
    });
    await db.linkDailyStat.create({ data: { linkId: link.id, day: new Date("2026-11-24"), clicks: 3, uniqueVisitors: 2, botClicks: 1 } });
    await db.linkDailyVisitor.create({ data: { linkId: link.id, day: new Date("2026-11-24"), visitorHash: "v".repeat(43) } });
    await db.apiToken.create({ data: { userId: user.id, name: "CI", tokenHash: "b".repeat(64), prefix: "hop_abcd", expiresAt: new Date("2027-01-01Z") } });
    await db.import.create({
      data: {
        userId: user.id,
        source: "csv",
        status: "SUCCEEDED",
        totalRows: 10,
        createdRows: 9,
        failedRows: 1,
        error: "row 3: bad URL",
        finishedAt: new Date(),
      },
    });

    const read = await db.user.findUniqueOrThrow({
      where: { email: "ada@example.com" },
      include: {
        links: { include: { tags: { include: { tag: true } }, clicks: true, dailyStats: true, dailyVisitors: true } },
        apiTokens: true,
        imports: true,
        tags: true,
      },
    });
    const readLink = read.links[0]!;
    expect(readLink).toMatchObject({ slug: "Launch_2026-x", redirectStatus: "TEMPORARY_REDIRECT", metadataStatus: "FETCHED", utmContent: "hero" });
    expect(readLink.totalClicks).toBe(9_007_199_254_740_993n);
    expect(readLink.expiresAt?.toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(readLink.expiredAt?.toISOString()).toBe("2027-01-01T00:00:01.000Z");
    expect(readLink.tags.map((linkTag) => linkTag.tag.name)).toEqual(["launch"]);
    expect(readLink.clicks[0]).toMatchObject({ id: click.id, eventId: "evt-1", country: "NL", isBot: false });
    expect(readLink.clicks[0]?.occurredAt.toISOString()).toBe("2026-11-24T10:00:00.123Z");
    expect(readLink.dailyStats[0]).toMatchObject({ clicks: 3, uniqueVisitors: 2, botClicks: 1 });
    expect(readLink.dailyStats[0]?.day.toISOString()).toBe("2026-11-24T00:00:00.000Z");
    expect(readLink.dailyVisitors).toEqual([{ linkId: link.id, day: new Date("2026-11-24T00:00:00.000Z"), visitorHash: "v".repeat(43) }]);
    expect(read.apiTokens[0]).toMatchObject({ name: "CI", prefix: "hop_abcd", revokedAt: null });
    expect(read.imports[0]).toMatchObject({ status: "SUCCEEDED", createdRows: 9 });
    expect(read.tags[0]).toMatchObject({ name: "launch", color: "violet" });
  });

  it("enforces the unique keys the product relies on", async () => {
    const user = await db.user.create({ data: { email: "grace@example.com", passwordHash: "x" } });
    await db.link.create({ data: { slug: "same", url: "https://a.example", userId: user.id } });
    await expect(db.link.create({ data: { slug: "same", url: "https://b.example", userId: user.id } })).rejects.toMatchObject({ code: "P2002" });
    // Slugs are case-sensitive.
    await expect(db.link.create({ data: { slug: "SAME", url: "https://b.example", userId: user.id } })).resolves.toMatchObject({ slug: "SAME" });
    await expect(db.user.create({ data: { email: "grace@example.com", passwordHash: "y" } })).rejects.toMatchObject({ code: "P2002" });
  });
});

describe("migrateDatabase", () => {
  it("records migrations as Prisma does and is a no-op the second time", async () => {
    const result = await migrateDatabase(databaseUrl);
    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied.length).toBeGreaterThan(0);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const rows = await client.query<{ migration_name: string; finished_at: Date | null; checksum: string }>('SELECT * FROM "_prisma_migrations"');
    await client.end();
    expect(rows.rows.map((row) => row.migration_name)).toEqual(result.alreadyApplied);
    for (const row of rows.rows) {
      expect(row.finished_at).not.toBeNull();
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(migrationsDir).toMatch(/prisma\/migrations$/);
  });
});
