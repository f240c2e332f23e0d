import { type Database, Prisma, RedirectStatus } from "@hop/db";
import type { LinkWithTags } from "./link-view";

/**
 * A user's link with its tags in ONE statement: the hot read of every
 * machine-facing API (REST GET /links/{id}, Shlink's and dub's link reads).
 * Prisma's `include` sends three (the link, its LinkTag rows, their tags),
 * each its own round trip, pool checkout and query-compiler pass (about 0.5 ms
 * of the web process's CPU against 0.17 ms for this one, measured in
 * docs/benchmarks.md). The row keeps Prisma's own type (`LinkWithTags`), and
 * packages/api/test/link-query.test.ts checks that it equals what `include` reads, field
 * for field, so a column added to Link cannot be silently left out.
 */

// Enum columns arrive as their stored values (RedirectStatus is mapped to "301"...); the row type wants Prisma's names.
const redirectStatusByStoredValue: Readonly<Record<string, RedirectStatus>> = {
  "301": RedirectStatus.MOVED_PERMANENTLY,
  "302": RedirectStatus.FOUND,
  "307": RedirectStatus.TEMPORARY_REDIRECT,
  "308": RedirectStatus.PERMANENT_REDIRECT,
};

type RawLinkRow = Omit<LinkWithTags, "redirectStatus"> & { redirectStatus: string };

export type OwnLinkKey = { id: string } | { slug: string };

/** The user's link by id or slug, live (`deleted: false`) or soft-deleted (`deleted: true`), with its tags; null when none. */
export async function readOwnLink(db: Database, userId: string, key: OwnLinkKey, options: { deleted: boolean }): Promise<LinkWithTags | null> {
  const match = "id" in key ? Prisma.sql`l.id = ${key.id}` : Prisma.sql`l.slug = ${key.slug}`;
  const deleted = options.deleted ? Prisma.sql`l."deletedAt" IS NOT NULL` : Prisma.sql`l."deletedAt" IS NULL`;
  const rows = await db.$queryRaw<RawLinkRow[]>`
    SELECT l.*, COALESCE(
      (SELECT json_agg(json_build_object('tag', json_build_object('id', t.id, 'name', t.name, 'color', t.color)))
         FROM "LinkTag" lt JOIN "Tag" t ON t.id = lt."tagId" WHERE lt."linkId" = l.id),
      '[]'::json) AS tags
    FROM "Link" l
    WHERE ${match} AND l."userId" = ${userId} AND ${deleted}
    LIMIT 1`;
  const row = rows[0];
  if (!row) return null;
  const redirectStatus = redirectStatusByStoredValue[row.redirectStatus];
  if (!redirectStatus) throw new Error(`Link ${row.id} has an unknown redirect status "${row.redirectStatus}"`);
  return { ...row, redirectStatus };
}
