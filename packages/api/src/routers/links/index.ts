import { createLinkInput, createManyLinksInput, linkIdInput, linkSlugInput, linkStatsInput, listLinksInput, updateLinkInput } from "@hop/validators";
import type { TRPCRouterRecord } from "@trpc/server";
import { type HopMeta, protectedProcedure } from "../../trpc";
import { createManyLinksHandler } from "./create-many.handler";
import { createLinkHandler } from "./create.handler";
import { deleteLinkHandler, restoreLinkHandler } from "./delete.handler";
import { getLinkBySlugHandler, getLinkHandler } from "./get.handler";
import { listLinksHandler, listTagsHandler } from "./list.handler";
import { createManyLinksOutputSchema, deletedLinkSchema, linkPageSchema, linkStatsSchema, linkViewSchema, tagListSchema } from "./outputs";
import { linkStatsHandler } from "./stats.handler";
import { updateLinkHandler } from "./update.handler";

const read = { scope: "links:read" } as const;
const write = { scope: "links:write" } as const;
const rest = (method: "GET" | "POST" | "PATCH" | "DELETE", path: `/${string}`, summary: string, tag = "links"): HopMeta["openapi"] => ({
  method,
  path,
  summary,
  tags: [tag],
  protect: true,
});

/**
 * A user's short links. Input schemas live in @hop/validators (links.ts),
 * shared with the UI's forms; `meta` names each procedure's API-key scope and
 * its REST route under /api/v1 (the same procedure answers both).
 */
export const linksRouter = {
  create: protectedProcedure
    .meta({ ...write, openapi: rest("POST", "/links", "Create a link") })
    .input(createLinkInput)
    .output(linkViewSchema)
    .mutation(createLinkHandler),
  createMany: protectedProcedure
    .meta({ ...write, openapi: rest("POST", "/links/bulk", "Create several links (each like a single create; failures listed by index)") })
    .input(createManyLinksInput)
    .output(createManyLinksOutputSchema)
    .mutation(createManyLinksHandler),
  update: protectedProcedure
    .meta({ ...write, openapi: rest("PATCH", "/links/{id}", "Change a link (absent fields are kept)") })
    .input(updateLinkInput)
    .output(linkViewSchema)
    .mutation(updateLinkHandler),
  delete: protectedProcedure
    .meta({ ...write, openapi: rest("DELETE", "/links/{id}", "Delete a link (restorable for a while)") })
    .input(linkIdInput)
    .output(deletedLinkSchema)
    .mutation(deleteLinkHandler),
  restore: protectedProcedure
    .meta({ ...write, openapi: rest("POST", "/links/{id}/restore", "Restore a deleted link") })
    .input(linkIdInput)
    .output(linkViewSchema)
    .mutation(restoreLinkHandler),
  get: protectedProcedure
    .meta({ ...read, openapi: rest("GET", "/links/{id}", "Get a link") })
    .input(linkIdInput)
    .output(linkViewSchema)
    .query(getLinkHandler),
  // Not a REST route of its own (/api/v1 lists with `search`): the Shlink and dub adapters name links by slug.
  bySlug: protectedProcedure.meta(read).input(linkSlugInput).output(linkViewSchema).query(getLinkBySlugHandler),
  list: protectedProcedure
    .meta({ ...read, openapi: rest("GET", "/links", "List links (search, tag, sort, cursor pagination)") })
    .input(listLinksInput)
    .output(linkPageSchema)
    .query(listLinksHandler),
  tags: protectedProcedure
    .meta({ ...read, openapi: rest("GET", "/tags", "List tags with their number of links", "tags") })
    .output(tagListSchema)
    .query(listTagsHandler),
  stats: protectedProcedure
    .meta({ scope: "analytics:read", openapi: rest("GET", "/links/{id}/stats", "A link's clicks per day (rollups)", "analytics") })
    .input(linkStatsInput)
    .output(linkStatsSchema)
    .query(linkStatsHandler),
} satisfies TRPCRouterRecord;
