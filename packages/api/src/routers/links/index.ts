import { createLinkInput, linkIdInput, linkSlugInput, linkStatsInput, listLinksInput, updateLinkInput } from "@hop/validators";
import type { TRPCRouterRecord } from "@trpc/server";
import { protectedProcedure } from "../../trpc";
import { createLinkHandler } from "./create.handler";
import { deleteLinkHandler, restoreLinkHandler } from "./delete.handler";
import { getLinkBySlugHandler, getLinkHandler } from "./get.handler";
import { listLinksHandler, listTagsHandler } from "./list.handler";
import { linkStatsHandler } from "./stats.handler";
import { updateLinkHandler } from "./update.handler";

/** A user's short links. Input schemas live in @hop/validators (links.ts), shared with the UI's forms. */
export const linksRouter = {
  create: protectedProcedure.input(createLinkInput).mutation(createLinkHandler),
  update: protectedProcedure.input(updateLinkInput).mutation(updateLinkHandler),
  delete: protectedProcedure.input(linkIdInput).mutation(deleteLinkHandler),
  restore: protectedProcedure.input(linkIdInput).mutation(restoreLinkHandler),
  get: protectedProcedure.input(linkIdInput).query(getLinkHandler),
  bySlug: protectedProcedure.input(linkSlugInput).query(getLinkBySlugHandler),
  list: protectedProcedure.input(listLinksInput).query(listLinksHandler),
  tags: protectedProcedure.query(listTagsHandler),
  stats: protectedProcedure.input(linkStatsInput).query(linkStatsHandler),
} satisfies TRPCRouterRecord;
