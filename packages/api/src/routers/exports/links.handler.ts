import type { exportLinksPageInput } from "@hop/validators";
import type { z } from "zod";
import type { ProtectedContext } from "../../trpc";

/**
 * One page of the user's live links in id order, with their tags and total
 * clicks (the counter the ingestion keeps, never a COUNT over raw clicks).
 * Keyset paging on the primary key: each page is one index range scan,
 * whatever the account's size, and the caller holds one page at a time.
 */
export async function exportLinksPageHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof exportLinksPageInput> }) {
  const rows = await ctx.db.link.findMany({
    where: { userId: ctx.session.userId, deletedAt: null, ...(input.cursor && { id: { gt: input.cursor } }) },
    orderBy: { id: "asc" },
    take: input.limit,
    select: {
      id: true,
      slug: true,
      url: true,
      title: true,
      totalClicks: true,
      expiresAt: true,
      createdAt: true,
      tags: { select: { tag: { select: { name: true } } } },
    },
  });
  const links = rows.map((row) => ({
    id: row.id,
    slug: row.slug,
    shortUrl: `${ctx.shortLinkBaseUrl}/${row.slug}`,
    url: row.url,
    title: row.title,
    tags: row.tags.map(({ tag }) => tag.name).sort((a, b) => a.localeCompare(b)),
    totalClicks: Number(row.totalClicks),
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
  }));
  return { links, nextCursor: rows.length === input.limit ? (rows.at(-1)?.id ?? null) : null };
}
