import type { Prisma } from "@hop/db";
import { destinationUrl, redirectStatusCode, utmFromColumns } from "@hop/links";

/** What every links procedure loads with a link: its tags (id, name, colour). */
export const linkWithTags = { tags: { select: { tag: { select: { id: true, name: true, color: true } } } } } as const satisfies Prisma.LinkInclude;
export type LinkWithTags = Prisma.LinkGetPayload<{ include: typeof linkWithTags }>;

/**
 * A link as the UI and API clients see it: the short URL and the final
 * destination spelled out, the password only as a yes/no, counts as numbers.
 */
export function toLinkView(link: LinkWithTags, shortLinkBaseUrl: string) {
  const utm = utmFromColumns(link);
  return {
    id: link.id,
    slug: link.slug,
    shortUrl: `${shortLinkBaseUrl}/${link.slug}`,
    url: link.url,
    destinationUrl: destinationUrl(link.url, utm),
    title: link.title,
    /** The target page's own title (metadata); the UI shows it where `title` is empty. */
    pageTitle: link.pageTitle,
    description: link.description,
    imageUrl: link.imageUrl,
    metadataStatus: link.metadataStatus,
    metadataError: link.metadataError,
    expiresAt: link.expiresAt,
    expiredUrl: link.expiredUrl,
    hasPassword: link.passwordHash !== null,
    redirectStatus: redirectStatusCode(link.redirectStatus),
    utm,
    tags: link.tags.map(({ tag }) => tag.name).sort((a, b) => a.localeCompare(b)),
    tagDetails: link.tags.map(({ tag }) => ({ id: tag.id, name: tag.name, color: tag.color })).sort((a, b) => a.name.localeCompare(b.name)),
    clicks: Number(link.totalClicks),
    createdAt: link.createdAt,
    updatedAt: link.updatedAt,
    deletedAt: link.deletedAt,
  };
}
export type LinkView = ReturnType<typeof toLinkView>;
