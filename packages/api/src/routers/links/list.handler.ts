import type { Prisma } from "@hop/db";
import type { LinkSort, listLinksInput } from "@hop/validators";
import type { z } from "zod";
import type { ProtectedContext } from "../../trpc";
import { linkWithTags, toLinkView } from "./link-view";

// Every order ends with the id, so pages never overlap or skip rows that tie.
const orderBySort = {
  newest: [{ createdAt: "desc" }, { id: "desc" }],
  oldest: [{ createdAt: "asc" }, { id: "asc" }],
  "most-clicked": [{ totalClicks: "desc" }, { id: "desc" }],
  slug: [{ slug: "asc" }, { id: "asc" }],
} as const satisfies Record<LinkSort, Prisma.LinkOrderByWithRelationInput[]>;

export async function listLinksHandler({ ctx, input }: { ctx: ProtectedContext; input: z.output<typeof listLinksInput> }) {
  const search = input.search || undefined;
  const where: Prisma.LinkWhereInput = {
    userId: ctx.session.userId,
    deletedAt: null,
    ...(search && {
      OR: [
        { slug: { contains: search, mode: "insensitive" } },
        { url: { contains: search, mode: "insensitive" } },
        { title: { contains: search, mode: "insensitive" } },
        { pageTitle: { contains: search, mode: "insensitive" } },
      ],
    }),
    ...(input.tag && { tags: { some: { tag: { name: input.tag } } } }),
  };
  const [rows, total] = await Promise.all([
    ctx.db.link.findMany({
      where,
      include: linkWithTags,
      orderBy: [...orderBySort[input.sort]],
      take: input.limit + 1,
      ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : input.offset && { skip: input.offset }),
    }),
    ctx.db.link.count({ where }),
  ]);
  const page = rows.slice(0, input.limit);
  return {
    items: page.map((link) => toLinkView(link, ctx.shortLinkBaseUrl)),
    nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null,
    total,
  };
}

/** The user's tags with how many live links carry each, for the filter. */
export async function listTagsHandler({ ctx }: { ctx: ProtectedContext }) {
  const tags = await ctx.db.tag.findMany({
    where: { userId: ctx.session.userId },
    orderBy: { name: "asc" },
    select: { id: true, name: true, color: true, _count: { select: { links: { where: { link: { deletedAt: null } } } } } },
  });
  return tags.map((tag) => ({ id: tag.id, name: tag.name, color: tag.color, links: tag._count.links }));
}
