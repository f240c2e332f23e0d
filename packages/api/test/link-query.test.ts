import { createDatabase, type Database, RedirectStatus } from "@hop/db";
import { createTestDatabase } from "@hop/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linkWithTags } from "../src/routers/links/link-view";
import { readOwnLink } from "../src/routers/links/own-link-query";

// The links procedures' one-statement read must give exactly what Prisma's `include` gives, on real PostgreSQL.
let db: Database;
let databaseUrl: string;

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  db = createDatabase(databaseUrl);
});
afterAll(async () => {
  await db.$disconnect();
});

const byTagName = <T extends { tags: { tag: { name: string } }[] }>(link: T): T => ({
  ...link,
  tags: [...link.tags].sort((a, b) => a.tag.name.localeCompare(b.tag.name)),
});

describe("readOwnLink", () => {
  it("equals Prisma's include, field for field, for every redirect status, with several tags, none, and every optional column set", async () => {
    const user = await db.user.create({ data: { email: `query-${Date.now()}@example.com`, passwordHash: "x" } });
    const tags = await Promise.all(
      ["zeta", "alpha", "mid"].map((name, i) => db.tag.create({ data: { userId: user.id, name, color: ["red", "blue", "green"][i] } })),
    );
    const statuses = Object.values(RedirectStatus);
    for (const [i, redirectStatus] of statuses.entries()) {
      const link = await db.link.create({
        data: {
          slug: `q-${i}-${Date.now()}`,
          url: "https://example.com/a?b=c",
          userId: user.id,
          redirectStatus,
          title: "A title",
          pageTitle: "Page",
          description: "Described",
          imageUrl: "https://example.com/i.png",
          metadataStatus: "FAILED",
          metadataError: "timeout",
          expiresAt: new Date(Date.now() + 86_400_000),
          expiredUrl: "https://example.com/gone",
          passwordHash: "hash",
          utmSource: "s",
          utmMedium: "m",
          utmCampaign: "c",
          utmTerm: "t",
          utmContent: "x",
          totalClicks: 12_345_678_901n,
          tags: { create: i === 0 ? [] : tags.map((tag) => ({ tagId: tag.id })) },
        },
      });
      const expected = await db.link.findFirst({ where: { id: link.id, userId: user.id, deletedAt: null }, include: linkWithTags });
      expect(expected).not.toBeNull();
      const byId = await readOwnLink(db, user.id, { id: link.id }, { deleted: false });
      const bySlug = await readOwnLink(db, user.id, { slug: link.slug }, { deleted: false });
      expect(byTagName(byId!)).toEqual(byTagName(expected!));
      expect(byTagName(bySlug!)).toEqual(byTagName(expected!));
      expect(byId!.redirectStatus).toBe(redirectStatus);
      expect(typeof byId!.totalClicks).toBe("bigint");
      expect(byId!.createdAt).toBeInstanceOf(Date);
    }
  });

  it("finds only the user's own link, live or deleted as asked", async () => {
    const owner = await db.user.create({ data: { email: `owner-${Date.now()}@example.com`, passwordHash: "x" } });
    const other = await db.user.create({ data: { email: `other-${Date.now()}@example.com`, passwordHash: "x" } });
    const link = await db.link.create({ data: { slug: `own-${Date.now()}`, url: "https://example.com", userId: owner.id } });
    expect(await readOwnLink(db, other.id, { id: link.id }, { deleted: false })).toBeNull();
    expect(await readOwnLink(db, other.id, { slug: link.slug }, { deleted: false })).toBeNull();
    expect(await readOwnLink(db, owner.id, { id: link.id }, { deleted: true })).toBeNull();
    await db.link.update({ where: { id: link.id }, data: { deletedAt: new Date() } });
    expect(await readOwnLink(db, owner.id, { id: link.id }, { deleted: false })).toBeNull();
    const deleted = await readOwnLink(db, owner.id, { id: link.id }, { deleted: true });
    expect(deleted).toEqual(await db.link.findFirst({ where: { id: link.id }, include: linkWithTags }));
  });

  it("is prepared once per connection and reused, and keeps working after a migration adds a column to Link", async () => {
    // One connection, so that pg_prepared_statements (per session) is the one the reads used.
    const single = createDatabase(databaseUrl, { maxConnections: 1 });
    try {
      const user = await single.user.create({ data: { email: `prepared-${Date.now()}@example.com`, passwordHash: "x" } });
      const link = await single.link.create({ data: { slug: `prepared-${Date.now()}`, url: "https://example.com", userId: user.id } });
      for (let i = 0; i < 3; i++) await readOwnLink(single, user.id, { id: link.id }, { deleted: false });
      const prepared = await single.$queryRaw<{ name: string; plans: bigint }[]>`
        SELECT name, generic_plans + custom_plans AS plans FROM pg_prepared_statements WHERE name = 'read-own-link-by-id'`;
      expect(prepared).toEqual([{ name: "read-own-link-by-id", plans: 3n }]);

      // A rolling deploy: the new version's migration runs while this process holds the prepared copy.
      await single.$executeRawUnsafe(`ALTER TABLE "Link" ADD COLUMN "addedByALaterMigration" text`);
      try {
        const read = await readOwnLink(single, user.id, { id: link.id }, { deleted: false });
        expect(read).toEqual(await single.link.findFirst({ where: { id: link.id }, include: linkWithTags }));
      } finally {
        await single.$executeRawUnsafe(`ALTER TABLE "Link" DROP COLUMN "addedByALaterMigration"`);
      }
      await single.link.delete({ where: { id: link.id } });
      await single.user.delete({ where: { id: user.id } });
    } finally {
      await single.$disconnect();
    }
  });
});
