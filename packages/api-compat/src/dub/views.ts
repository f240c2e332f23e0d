import type { RouterOutputs } from "@hop/api";
import { tagColors, type TagColor } from "@hop/validators";
import { isoOrNull } from "../http";

type Link = RouterOutputs["links"]["get"];
type Tag = RouterOutputs["tags"]["list"][number];

/** dub's SDK accepts only its closed set of colours: Hop's are that set, and older tags' "slate" reads as gray. */
export function dubColor(color: string): TagColor {
  return (tagColors as readonly string[]).includes(color) ? (color as TagColor) : "gray";
}

export const toDubTag = (tag: Pick<Tag, "id" | "name" | "color">) => ({ id: tag.id, name: tag.name, color: dubColor(tag.color) });

/**
 * A Hop link as dub's Link: every key dub's SDK requires, present. What Hop
 * has no notion of (conversions, folders, device targeting, ...) is dub's
 * empty value; the password is never given back, only whether there is one
 * (dub's field carries it in clear, Hop keeps only a hash).
 */
export function toDubLink(link: Link, workspaceId: string) {
  const shortLink = new URL(link.shortUrl);
  return {
    id: link.id,
    domain: shortLink.host,
    key: link.slug,
    url: link.url,
    trackConversion: false,
    externalId: null,
    tenantId: null,
    programId: null,
    partnerId: null,
    archived: false,
    expiresAt: isoOrNull(link.expiresAt),
    expiredUrl: link.expiredUrl,
    disabledAt: null,
    password: null,
    proxy: false,
    title: link.title,
    description: link.description,
    image: link.imageUrl,
    video: null,
    rewrite: false,
    doIndex: false,
    ios: null,
    android: null,
    geo: null,
    publicStats: false,
    tags: link.tagDetails.map(toDubTag),
    folderId: null,
    comments: null,
    shortLink: link.shortUrl,
    // Hop draws QR codes in its UI, with no image URL of their own: the short link is what the code holds.
    qrCode: link.shortUrl,
    utm_source: link.utm.source ?? null,
    utm_medium: link.utm.medium ?? null,
    utm_campaign: link.utm.campaign ?? null,
    utm_term: link.utm.term ?? null,
    utm_content: link.utm.content ?? null,
    userId: null,
    workspaceId,
    clicks: link.clicks,
    leads: 0,
    conversions: 0,
    sales: 0,
    saleAmount: 0,
    lastClicked: null,
    createdAt: link.createdAt.toISOString(),
    updatedAt: link.updatedAt.toISOString(),
    tagId: null,
    projectId: workspaceId,
    webhookIds: [],
  };
}
