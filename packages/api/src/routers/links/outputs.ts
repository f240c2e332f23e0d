/**
 * What the links procedures answer, as zod schemas: tRPC checks every answer
 * against them, and the OpenAPI document of /api/v1 is generated from them,
 * so the REST reference cannot drift from what is sent.
 */
import { redirectStatusSchema } from "@hop/validators";
import { z } from "zod";

const timestamp = z.date().meta({ description: "ISO 8601 date-time (UTC)" });

export const linkViewSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    shortUrl: z.string(),
    url: z.string(),
    /** The target with the UTM parameters applied: where visitors land. */
    destinationUrl: z.string(),
    title: z.string().nullable(),
    pageTitle: z.string().nullable(),
    description: z.string().nullable(),
    imageUrl: z.string().nullable(),
    metadataStatus: z.enum(["PENDING", "FETCHED", "FAILED"]),
    metadataError: z.string().nullable(),
    expiresAt: timestamp.nullable(),
    expiredUrl: z.string().nullable(),
    hasPassword: z.boolean(),
    redirectStatus: redirectStatusSchema,
    utm: z.object({
      source: z.string().optional(),
      medium: z.string().optional(),
      campaign: z.string().optional(),
      term: z.string().optional(),
      content: z.string().optional(),
    }),
    tags: z.array(z.string()),
    /** The same tags with their ids and colours (what tag-aware clients, e.g. dub's, show), in the same order. */
    tagDetails: z.array(z.object({ id: z.string(), name: z.string(), color: z.string() })),
    clicks: z.number().int(),
    createdAt: timestamp,
    updatedAt: timestamp,
    deletedAt: timestamp.nullable(),
  })
  .meta({ id: "Link" });

export const linkPageSchema = z.object({
  items: z.array(linkViewSchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
  total: z.number().int(),
});

export const createManyLinksOutputSchema = z.object({
  created: z.array(z.object({ index: z.number().int(), link: linkViewSchema })),
  /** The links not created, by their index in the request, with why (the same codes as a single create's errors). */
  failed: z.array(
    z.object({
      index: z.number().int(),
      code: z.string(),
      message: z.string(),
      /** The custom slug asked for is another link's (an importer renames or skips such a link). */
      slugTaken: z.boolean(),
    }),
  ),
});

export const deletedLinkSchema = z.object({ id: z.string(), slug: z.string(), restorableUntil: timestamp });

export const tagListSchema = z.array(z.object({ name: z.string(), color: z.string(), links: z.number().int() }));

export const linkStatsSchema = z.object({
  link: linkViewSchema,
  days: z.array(z.object({ day: z.string(), clicks: z.number().int(), uniqueVisitors: z.number().int(), botClicks: z.number().int() })),
  clicksInRange: z.number().int(),
  botClicksInRange: z.number().int(),
});
