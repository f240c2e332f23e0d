import { type Database, Prisma, preparedStatement, RedirectStatus } from "@hop/db";
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
 *
 * Each of its four texts (by id or slug, live or deleted) is a prepared
 * statement: PostgreSQL plans it once per connection, not on every read (its
 * CPU is shared with the web on a small machine). Its columns are the
 * generated client's own list, not `*`, so a migration that adds one does not
 * break the copies already prepared (see `preparedStatement`).
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

const linkColumns = Prisma.raw(
  Object.values(Prisma.LinkScalarFieldEnum)
    .map((column) => `l."${column}"`)
    .join(", "),
);

// One name per text (the match and the deleted condition are the only parts that vary).
const statementNames = {
  id: { live: preparedStatement("read-own-link-by-id"), deleted: preparedStatement("read-own-link-by-id-deleted") },
  slug: { live: preparedStatement("read-own-link-by-slug"), deleted: preparedStatement("read-own-link-by-slug-deleted") },
};

/** The user's link by id or slug, live (`deleted: false`) or soft-deleted (`deleted: true`), with its tags; null when none. */
export async function readOwnLink(db: Database, userId: string, key: OwnLinkKey, options: { deleted: boolean }): Promise<LinkWithTags | null> {
  const byId = "id" in key;
  const match = byId ? Prisma.sql`l.id = ${key.id}` : Prisma.sql`l.slug = ${key.slug}`;
  const deleted = options.deleted ? Prisma.sql`l."deletedAt" IS NOT NULL` : Prisma.sql`l."deletedAt" IS NULL`;
  const name = statementNames[byId ? "id" : "slug"][options.deleted ? "deleted" : "live"];
  const rows = await db.$queryRaw<RawLinkRow[]>`${name}
    SELECT ${linkColumns}, COALESCE(
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
