import type { RouterOutputs } from "@hop/api";

type Link = RouterOutputs["links"]["get"];

/** Shlink writes dates as ISO 8601 with an offset and no fraction ("2026-11-30T12:00:00+00:00"). */
export const shlinkDate = (date: Date): string => `${date.toISOString().slice(0, 19)}+00:00`;

/** A Hop link as a Shlink short URL: the slug is the short code; Hop has one domain (the default, null). */
export function toShortUrl(link: Link) {
  return {
    shortCode: link.slug,
    shortUrl: link.shortUrl,
    longUrl: link.url,
    deviceLongUrls: { android: null, ios: null, desktop: null },
    dateCreated: shlinkDate(link.createdAt),
    // Hop counts human clicks on the link's counter; bot clicks stay out of every count.
    visitsSummary: { total: link.clicks, nonBots: link.clicks, bots: 0 },
    tags: link.tags,
    meta: { validSince: null, validUntil: link.expiresAt ? shlinkDate(link.expiresAt) : null, maxVisits: null },
    domain: null,
    title: link.title,
    crawlable: false,
    forwardQuery: true,
    hasRedirectRules: false,
  };
}

/** Shlink's page description for `total` items, `itemsPerPage` a page. */
export function shlinkPagination(page: number, itemsPerPage: number, itemsInCurrentPage: number, total: number) {
  return {
    currentPage: page,
    pagesCount: itemsPerPage > 0 ? Math.ceil(total / itemsPerPage) : 1,
    itemsPerPage,
    itemsInCurrentPage,
    totalItems: total,
  };
}
